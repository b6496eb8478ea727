using System.Runtime.CompilerServices;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blobs as files under one root per tier (separate disks in practice): hot, cool, cold (the cool root unless it has
/// its own) and, optionally, an archive root that stands in for offline storage (tape, a cold object store) and is
/// never read from directly. New blobs land hot; a blob keeps its key in every tier, and reads look in the online roots.
/// A blob is written to <c>key.tmp</c> next to its final name, fsync'd, renamed, and the directory fsync'd:
/// readers see nothing or the whole blob. Moving between tiers copies the same way, and removes the source only when
/// told to (<see cref="ReleaseAsync"/>), after the index has recorded the move.
/// </summary>
public sealed partial class FileSystemBlobStore : IBlobStore
{
    internal const string TempSuffix = ".tmp";
    private const int WriteBufferSize = 1 << 16;
    private readonly string[] _roots;
    private readonly string[] _onlineRoots;

    public FileSystemBlobStore(string hotRoot, string coolRoot, string? coldRoot = null, string? archiveRoot = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hotRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(coolRoot);
        HotRoot = FullPath(hotRoot);
        CoolRoot = FullPath(coolRoot);
        ColdRoot = string.IsNullOrWhiteSpace(coldRoot) ? CoolRoot : FullPath(coldRoot);
        ArchiveRoot = string.IsNullOrWhiteSpace(archiveRoot) ? null : FullPath(archiveRoot);
        _onlineRoots = new[] { HotRoot, CoolRoot, ColdRoot }.Distinct(StringComparer.Ordinal).ToArray();
        _roots = ArchiveRoot is null ? _onlineRoots : [.. _onlineRoots, ArchiveRoot];
        if (_onlineRoots.Contains(ArchiveRoot, StringComparer.Ordinal))
        {
            throw new ArgumentException("The archive root must differ from the online roots.", nameof(archiveRoot));
        }
        foreach (var root in _roots)
        {
            Directory.CreateDirectory(root);
        }
    }

    public string HotRoot { get; }

    public string CoolRoot { get; }

    /// <summary>The cool root unless cold has a root of its own.</summary>
    public string ColdRoot { get; }

    /// <summary>Offline storage; null when the store has no archive tier.</summary>
    public string? ArchiveRoot { get; }

    private static string FullPath(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    public Task<IBlobWriter> CreateAsync(CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeBlob("create");
        cancellationToken.ThrowIfCancellationRequested();
        var key = BlobKey.New();
        var path = Path.Combine(HotRoot, BlobKey.RelativePath(key));
        DirectorySync.CreateDurably(HotRoot, Path.GetDirectoryName(path)!);
        var temp = path + TempSuffix;
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferSize, FileOptions.Asynchronous);
        return Task.FromResult<IBlobWriter>(new Writer(key, path, temp, stream));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeBlob("open");
        BlobKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<Stream?>(Open(key, bufferSize: 4096));
    }

    public Task<Stream?> OpenReadAsync(string key, ByteRange range, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeBlob("open_range");
        BlobKey.ThrowIfInvalid(key);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Offset);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Length);
        cancellationToken.ThrowIfCancellationRequested();
        // A frame is usually read whole in one go: a small buffer saves copying it through FileStream's.
        if (Open(key, bufferSize: 1) is not { } file)
        {
            return Task.FromResult<Stream?>(null);
        }
        file.Position = range.Offset;
        return Task.FromResult<Stream?>(new RangeStream(file, range.Length));
    }

    public Task<BlobTier?> GetTierAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        // With no cold root of its own, a blob in the cool root reads as cool: the index knows which of the two it is.
        foreach (var tier in (BlobTier[])[BlobTier.Hot, BlobTier.Cool, BlobTier.Cold, BlobTier.Archive])
        {
            if (RootOf(tier) is { } root && File.Exists(PathIn(root, key)))
            {
                return Task.FromResult<BlobTier?>(tier);
            }
        }
        return Task.FromResult<BlobTier?>(null);
    }

    private static string PathIn(string root, string key) => Path.Combine(root, BlobKey.RelativePath(key));

    private FileStream? Open(string key, int bufferSize)
    {
        foreach (var root in _onlineRoots)
        {
            try
            {
                return new FileStream(
                    Path.Combine(root, BlobKey.RelativePath(key)),
                    FileMode.Open,
                    FileAccess.Read,
                    FileShare.Read | FileShare.Delete,
                    bufferSize,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
            }
        }
        if (ArchiveRoot is not null && File.Exists(PathIn(ArchiveRoot, key)))
        {
            throw new BlobOfflineException($"Blob {key} is in the archive tier; it must be rehydrated before it is read.");
        }
        return null;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeBlob("delete");
        BlobKey.ThrowIfInvalid(key);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var root in _roots)
        {
            DeleteIfExists(Path.Combine(root, BlobKey.RelativePath(key)));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Committed blobs last written before <paramref name="olderThan"/>. Temporary files of writes abandoned before
    /// that time (a crash mid-upload) are deleted on the way, as nothing else would ever find them.
    /// </summary>
    public async IAsyncEnumerable<string> ListAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = olderThan.UtcDateTime;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 2 };
        foreach (var root in _roots)
        {
            foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (file.LastWriteTimeUtc >= limit)
                {
                    continue;
                }

                if (BlobKey.IsValid(file.Name) && IsInItsShard(root, file))
                {
                    yield return file.Name;
                }
                else if (file.Name.EndsWith(TempSuffix, StringComparison.Ordinal) && BlobKey.IsValid(file.Name[..^TempSuffix.Length]))
                {
                    DeleteIfExists(file.FullName);
                }
            }

            await Task.Yield();
        }
    }

    // The archive root may be offline media that is not mounted: only the online roots make the store healthy.
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(_onlineRoots.All(Directory.Exists));

    private static bool IsInItsShard(string root, FileInfo file) =>
        string.Equals(file.FullName, Path.Combine(root, BlobKey.RelativePath(file.Name)), StringComparison.Ordinal);

    private static void DeleteIfExists(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private sealed class Writer(string key, string path, string temp, FileStream stream) : IBlobWriter
    {
        private bool _committed;

        public string Key { get; } = key;

        public Stream Stream => stream;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            using var timing = ArchiveMetrics.TimeBlob("commit");
            if (_committed)
            {
                return;
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            PageCache.FlushToDiskAndDrop(stream);
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Move(temp, path, overwrite: false);
            DirectorySync.FlushShared(Path.GetDirectoryName(path)!);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                DeleteIfExists(temp);
            }
        }
    }
}
