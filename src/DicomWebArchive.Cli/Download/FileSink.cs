using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Download;

/// <summary>
/// The file an instance is written to. A failure to write (disk full, no permission) becomes a <see cref="CliException"/>
/// that names the file and ends the download: unlike a network error, it would only happen again.
/// </summary>
internal sealed class FileSink(string path, Action<long> written) : Stream
{
    private const int DiskFull = 28; // ENOSPC
    private const int QuotaExceeded = 122; // EDQUOT
    private readonly FileStream _file = Create(path);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => throw new NotSupportedException();
    }

    /// <summary>Makes the bytes durable before the file is renamed to its final name: a crash must not leave a short file under it.</summary>
    public void Commit() => Guard(() => _file.Flush(flushToDisk: true));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw Failure(path, ex);
        }
        written(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() => Guard(_file.Flush);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw Failure(path, ex);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Guard(_file.Dispose);
        }
        base.Dispose(disposing);
    }

    private static FileStream Create(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write {path}: {ex.Message}", ex);
        }
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (IOException ex)
        {
            throw Failure(path, ex);
        }
    }

    private static CliException Failure(string path, IOException ex) => (ex.HResult & 0xFFFF) is DiskFull or QuotaExceeded or 0x70 or 0x27
        ? new CliException($"disk full: no space left to write {path}", ex)
        : new CliException($"cannot write {path}: {ex.Message}", ex);
}
