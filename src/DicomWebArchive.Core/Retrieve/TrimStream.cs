namespace DicomWebArchive.Core.Retrieve;

/// <summary>Passes on bytes [skip, skip+count) of what is written to it, for ranges that had to be widened to whole words.</summary>
internal sealed class TrimStream(Stream inner, long skip, long count) : Stream
{
    private long _skip = skip;
    private long _remaining = count;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_skip > 0)
        {
            int dropped = (int)Math.Min(_skip, buffer.Length);
            _skip -= dropped;
            buffer = buffer[dropped..];
        }
        int kept = (int)Math.Min(_remaining, buffer.Length);
        if (kept > 0)
        {
            _remaining -= kept;
            await inner.WriteAsync(buffer[..kept], cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Asynchronous writes only.");

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
