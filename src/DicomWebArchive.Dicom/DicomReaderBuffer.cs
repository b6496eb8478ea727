using System.Buffers;
using System.Buffers.Binary;

namespace DicomWebArchive.Dicom;

/// <summary>
/// The reader's window on the stream. Bytes before <see cref="_pos"/> may be referenced by element
/// values (slices), so a full chunk is never overwritten while slices of it are out: a new chunk
/// takes the unread tail. Chunks grow with the bytes that actually arrive, never from a declared length.
/// </summary>
internal sealed class DicomReaderBuffer
{
    // One chunk holds a typical header whole (values are slices of it, so a chunk is never reused
    // once sliced): a 512×512 CT with a hundred attributes needs about 3 KB.
    private const int ChunkSize = 4096;
    private const int DiscardSize = 64 * 1024;

    private Stream _stream;
    private byte[] _buffer;
    private int _pos;
    private int _end;
    private long _origin;    // stream offset of _buffer[0]
    private bool _shared;    // slices of _buffer were handed out
    private int _anchor = -1; // bytes from here on must stay contiguous (a value being gathered)

    public DicomReaderBuffer(Stream stream, int initialSize = ChunkSize)
    {
        _stream = stream;
        _buffer = GC.AllocateUninitializedArray<byte>(initialSize);
    }

    /// <summary>Offset in the stream (or, once inflating, in the inflated data) of the next unread byte.</summary>
    public long Position => _origin + _pos;

    public int Available => _end - _pos;

    /// <summary>Bytes pulled from the underlying stream, or stepped over in it, so far.</summary>
    public long BytesRead { get; private set; }

    public ReadOnlySpan<byte> Span => new(_buffer, _pos, _end - _pos);

    public void Advance(int count) => _pos += count;

    public ushort ReadUInt16(int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_pos + offset, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos + offset, 2));

    public uint ReadUInt32(int offset, bool bigEndian) => bigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_pos + offset, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_pos + offset, 4));

    public byte this[int offset] => _buffer[_pos + offset];

    /// <summary>Takes the next <paramref name="count"/> bytes (already ensured) as a slice of the buffer.</summary>
    public Memory<byte> Take(int count)
    {
        var memory = new Memory<byte>(_buffer, _pos, count);
        _pos += count;
        _shared = true;
        return memory;
    }

    /// <summary>Keeps the bytes from the current position contiguous until <see cref="ReleaseAnchor"/>.</summary>
    public void SetAnchor() => _anchor = _pos;

    public void ReleaseAnchor() => _anchor = -1;

    /// <summary>The bytes from the anchor to the current position, as one slice.</summary>
    public Memory<byte> TakeAnchored()
    {
        var memory = new Memory<byte>(_buffer, _anchor, _pos - _anchor);
        _anchor = -1;
        _shared = true;
        return memory;
    }

    public ValueTask EnsureAsync(int count, CancellationToken cancellationToken) =>
        _end - _pos >= count ? default : EnsureSlowAsync(count, cancellationToken);

    /// <summary>False when the stream ends first (the bytes that did arrive stay available).</summary>
    public ValueTask<bool> TryEnsureAsync(int count, CancellationToken cancellationToken) =>
        _end - _pos >= count ? new ValueTask<bool>(true) : FillAsync(count, cancellationToken);

    private async ValueTask EnsureSlowAsync(int count, CancellationToken cancellationToken)
    {
        if (!await FillAsync(count, cancellationToken).ConfigureAwait(false))
        {
            DicomReaderThrow.Truncated(_origin + _end, count - (_end - _pos));
        }
    }

    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _pos < count)
        {
            if (_end == _buffer.Length)
            {
                MakeRoom();
            }
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }
            _end += read;
            BytesRead += read;
        }
        return true;
    }

    private void MakeRoom()
    {
        int keep = _anchor >= 0 ? _anchor : _pos;
        int live = _end - keep;
        if (!_shared && live <= _buffer.Length / 2)
        {
            Buffer.BlockCopy(_buffer, keep, _buffer, 0, live);
        }
        else
        {
            // The old chunk stays alive through the slices taken from it; the new one doubles
            // what has already arrived, so its size is bounded by real input.
            var next = GC.AllocateUninitializedArray<byte>(Math.Max(ChunkSize, live * 2));
            Buffer.BlockCopy(_buffer, keep, next, 0, live);
            _buffer = next;
            _shared = false;
        }
        _origin += keep;
        _pos -= keep;
        _end = live;
        if (_anchor >= 0)
        {
            _anchor = 0;
        }
    }

    /// <summary>Moves past <paramref name="count"/> bytes without keeping them.</summary>
    public async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        int inBuffer = (int)Math.Min(count, _end - _pos);
        _pos += inBuffer;
        count -= inBuffer;
        if (count == 0)
        {
            return;
        }
        if (!_shared && _anchor < 0)
        {
            _origin += _pos;
            _pos = _end = 0;
        }
        if (_stream.CanSeek)
        {
            // A file: step over the value (Pixel Data, mostly) instead of reading it, when the bytes are there.
            long left = _stream.Length - _stream.Position;
            if (left < count)
            {
                DicomReaderThrow.Truncated(Position + left, count - left);
            }
            _stream.Seek(count, SeekOrigin.Current);
            _origin += count;
            BytesRead += count;
            return;
        }
        byte[]? rented = null;
        var scratch = _buffer.Length - _end >= DiscardSize ? _buffer.AsMemory(_end) : (rented = ArrayPool<byte>.Shared.Rent(DiscardSize));
        try
        {
            while (count > 0)
            {
                int read = await _stream.ReadAsync(scratch[..(int)Math.Min(count, scratch.Length)], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    DicomReaderThrow.Truncated(Position, count);
                }
                count -= read;
                _origin += read;
                BytesRead += read;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Reads and drops whatever the stream still holds.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        _origin += _end;
        _pos = _end = 0;
        var rented = ArrayPool<byte>.Shared.Rent(DiscardSize);
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(rented, cancellationToken).ConfigureAwait(false)) > 0)
            {
                _origin += read;
                BytesRead += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The bytes read ahead but not parsed, copied out so that the stream can be switched.</summary>
    public ReadOnlyMemory<byte> DetachUnread()
    {
        var unread = _buffer.AsSpan(_pos, _end - _pos).ToArray();
        _end = _pos;
        return unread;
    }

    /// <summary>Continues over <paramref name="stream"/> (the inflated data set); positions restart at 0.</summary>
    public void SwitchStream(Stream stream)
    {
        _stream = stream;
        _buffer = GC.AllocateUninitializedArray<byte>(ChunkSize);
        _pos = _end = 0;
        _origin = 0;
        _shared = false;
        _anchor = -1;
    }
}
