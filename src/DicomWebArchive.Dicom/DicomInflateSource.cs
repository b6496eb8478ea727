using System.Buffers;

namespace DicomWebArchive.Dicom;

/// <summary>
/// The compressed bytes of a deflated data set: what the reader had already buffered, then the
/// rest of the stream. Counts what it takes from the stream so the reader can report raw positions.
/// </summary>
internal sealed class DicomInflateSource : Stream
{
    private readonly ReadOnlyMemory<byte> _prefix;
    private readonly Stream _inner;
    private readonly long _startOffset;
    private int _prefixUsed;
    private long _innerRead;

    public DicomInflateSource(ReadOnlyMemory<byte> prefix, Stream inner, long startOffset)
    {
        _prefix = prefix;
        _inner = inner;
        _startOffset = startOffset;
    }

    /// <summary>Offset in the original stream of the next compressed byte handed out.</summary>
    public long RawPosition => _startOffset + _prefixUsed + _innerRead;

    /// <summary>Bytes taken from the original stream, from its start.</summary>
    public long RawBytesRead => _startOffset + _prefix.Length + _innerRead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => RawPosition; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakePrefix(buffer) is var copied and > 0)
        {
            return copied;
        }
        int read = _inner.Read(buffer);
        _innerRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakePrefix(buffer.Span) is var copied and > 0)
        {
            return copied;
        }
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _innerRead += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads the original stream to its end (Scan mode promises the whole stream is consumed).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        _prefixUsed = _prefix.Length;
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await _inner.ReadAsync(scratch, cancellationToken).ConfigureAwait(false)) > 0)
            {
                _innerRead += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private int TakePrefix(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _prefix.Length - _prefixUsed);
        if (count > 0)
        {
            _prefix.Span.Slice(_prefixUsed, count).CopyTo(destination);
            _prefixUsed += count;
        }
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
