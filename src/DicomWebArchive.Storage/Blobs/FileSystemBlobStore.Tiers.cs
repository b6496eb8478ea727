using DicomWebArchive.Core.Blobs;

namespace DicomWebArchive.Storage.Blobs;

public sealed partial class FileSystemBlobStore
{
    private const int CopyBufferSize = 1 << 20;

    public IReadOnlySet<BlobTier> Tiers => ArchiveRoot is null
        ? new HashSet<BlobTier> { BlobTier.Hot, BlobTier.Cool, BlobTier.Cold }
        : new HashSet<BlobTier> { BlobTier.Hot, BlobTier.Cool, BlobTier.Cold, BlobTier.Archive };

    /// <summary>Copying back from the archive folder takes as long as the disks take; a client asks again after this.</summary>
    public TimeSpan RehydrationTime => TimeSpan.FromSeconds(30);

    /// <summary>The root holding <paramref name="tier"/>; null for archive when there is no archive root.</summary>
    public string? RootOf(BlobTier tier) => tier switch
    {
        BlobTier.Hot => HotRoot,
        BlobTier.Cool => CoolRoot,
        BlobTier.Cold => ColdRoot,
        _ => ArchiveRoot,
    };

    /// <summary>
    /// Copies the blob into the tier's root as a new blob is written (temporary file, fsync, rename, directory fsync);
    /// the source stays until <see cref="ReleaseAsync"/>. A copy that is already there (a move resumed after a crash)
    /// is kept: it was renamed into place only once whole.
    /// </summary>
    public async Task<bool> PlaceAsync(string key, BlobTier tier, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        string root = RootOf(tier) ?? throw new NotSupportedException("The filesystem blob store has no archive tier: Storage:Blobs:ArchiveRoot is not set.");
        string target = PathIn(root, key);
        if (File.Exists(target))
        {
            return true;
        }
        string source = _roots.Select(r => PathIn(r, key)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"Blob {key} is not stored in any tier.");
        DirectorySync.CreateDurably(root, Path.GetDirectoryName(target)!);
        string temp = target + TempSuffix;
        try
        {
            var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (input.ConfigureAwait(false))
            {
                var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    PageCache.FlushToDiskAndDrop(output);
                }
            }
            File.Move(temp, target, overwrite: true);
            DirectorySync.Flush(Path.GetDirectoryName(target)!);
            return true;
        }
        catch
        {
            DeleteIfExists(temp);
            throw;
        }
    }

    /// <summary>Deletes the copies outside the tier's root, once the copy inside it is known to be there.</summary>
    public Task ReleaseAsync(string key, BlobTier tier, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (RootOf(tier) is not { } keep || !File.Exists(PathIn(keep, key)))
        {
            return Task.CompletedTask;
        }
        foreach (var root in _roots.Where(r => !string.Equals(r, keep, StringComparison.Ordinal)))
        {
            DeleteIfExists(PathIn(root, key));
        }
        return Task.CompletedTask;
    }
}
