using System.Runtime.CompilerServices;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blobs as files under a hot and a cool root (separate disks in practice). New blobs land hot; reads and deletes
/// look in both, so a blob keeps its key when a lifecycle policy moves it between tiers.
/// A blob is written to <c>key.tmp</c> next to its final name, fsync'd, renamed, and the directory fsync'd:
/// readers see nothing or the whole blob.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    internal const string TempSuffix = ".tmp";
    private const int WriteBufferSize = 1 << 16;
    private readonly string[] _roots;

    public FileSystemBlobStore(string hotRoot, string coolRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hotRoot);
        ArgumentException.ThrowIfNullOrWhiteSpace(coolRoot);
        HotRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hotRoot));
        CoolRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(coolRoot));
        _roots = string.Equals(HotRoot, CoolRoot, StringComparison.Ordinal) ? [HotRoot] : [HotRoot, CoolRoot];
        foreach (var root in _roots)
        {
            Directory.CreateDirectory(root);
        }
    }

    public string HotRoot { get; }

    public string CoolRoot { get; }

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
        foreach (var (root, tier) in _roots.Zip([BlobTier.Hot, BlobTier.Cool]))
        {
            if (File.Exists(Path.Combine(root, BlobKey.RelativePath(key))))
            {
                return Task.FromResult<BlobTier?>(tier);
            }
        }
        return Task.FromResult<BlobTier?>(null);
    }

    private FileStream? Open(string key, int bufferSize)
    {
        foreach (var root in _roots)
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

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(_roots.All(Directory.Exists));

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
            stream.Flush(flushToDisk: true);
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
