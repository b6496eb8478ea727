using System.Buffers.Binary;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Store;

/// <summary>
/// Per frame, the byte ranges of the stored blob that hold it, so a frame is served as ranges of the blob with
/// no parsing at request time. Stored offsets equal offsets in the uploaded stream: the blob is the stream as sent
/// (only the preamble's contents change). Encoded little-endian; native frames of equal size, contiguous, take 25 bytes
/// whatever their count.
/// </summary>
public sealed class FrameTable
{
    private const byte UniformKind = 1;
    private const byte ListKind = 2;

    private readonly ByteRange[][]? _frames;
    private readonly long _firstOffset;
    private readonly long _frameLength;

    private FrameTable(ByteRange[][] frames)
    {
        _frames = frames;
        Count = frames.Length;
    }

    private FrameTable(long firstOffset, long frameLength, int count)
    {
        _firstOffset = firstOffset;
        _frameLength = frameLength;
        Count = count;
    }

    public int Count { get; }

    /// <summary>The ranges of frame <paramref name="index"/> (zero-based), in blob order.</summary>
    public ByteRange[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _frames is null ? [new ByteRange(_firstOffset + (index * _frameLength), _frameLength)] : _frames[index];
        }
    }

    public static byte[] Encode(IReadOnlyList<ByteRange[]> frames)
    {
        if (IsUniform(frames))
        {
            var uniform = new byte[1 + 8 + 8 + 4];
            uniform[0] = UniformKind;
            BinaryPrimitives.WriteInt64LittleEndian(uniform.AsSpan(1), frames[0][0].Offset);
            BinaryPrimitives.WriteInt64LittleEndian(uniform.AsSpan(9), frames[0][0].Length);
            BinaryPrimitives.WriteInt32LittleEndian(uniform.AsSpan(17), frames.Count);
            return uniform;
        }
        int size = 1 + 4;
        foreach (var ranges in frames)
        {
            size += 4 + (ranges.Length * 16);
        }
        var bytes = new byte[size];
        bytes[0] = ListKind;
        var span = bytes.AsSpan(1);
        BinaryPrimitives.WriteInt32LittleEndian(span, frames.Count);
        span = span[4..];
        foreach (var ranges in frames)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span, ranges.Length);
            span = span[4..];
            foreach (var range in ranges)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span, range.Offset);
                BinaryPrimitives.WriteInt64LittleEndian(span[8..], range.Length);
                span = span[16..];
            }
        }
        return bytes;
    }

    /// <exception cref="FormatException">The bytes are not an encoded frame table.</exception>
    public static FrameTable Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 21 && bytes[0] == UniformKind)
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
            long length = BinaryPrimitives.ReadInt64LittleEndian(bytes[9..]);
            int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[17..]);
            if (offset < 0 || length < 0 || count < 0)
            {
                throw new FormatException("Frame table holds negative values.");
            }
            return new FrameTable(offset, length, count);
        }
        if (bytes.Length < 5 || bytes[0] != ListKind)
        {
            throw new FormatException("Not an encoded frame table.");
        }
        int frameCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]);
        var rest = bytes[5..];
        if (frameCount < 0 || frameCount > rest.Length / 4)
        {
            throw new FormatException("Frame table frame count exceeds its size.");
        }
        var frames = new ByteRange[frameCount][];
        for (int i = 0; i < frameCount; i++)
        {
            if (rest.Length < 4)
            {
                throw new FormatException("Frame table is truncated.");
            }
            int rangeCount = BinaryPrimitives.ReadInt32LittleEndian(rest);
            rest = rest[4..];
            if (rangeCount < 0 || rangeCount > rest.Length / 16)
            {
                throw new FormatException("Frame table range count exceeds its size.");
            }
            var ranges = new ByteRange[rangeCount];
            for (int r = 0; r < rangeCount; r++)
            {
                ranges[r] = new ByteRange(BinaryPrimitives.ReadInt64LittleEndian(rest), BinaryPrimitives.ReadInt64LittleEndian(rest[8..]));
                rest = rest[16..];
            }
            frames[i] = ranges;
        }
        if (!rest.IsEmpty)
        {
            throw new FormatException("Frame table has trailing bytes.");
        }
        return new FrameTable(frames);
    }

    private static bool IsUniform(IReadOnlyList<ByteRange[]> frames)
    {
        if (frames.Count == 0 || frames[0].Length != 1)
        {
            return false;
        }
        var first = frames[0][0];
        for (int i = 1; i < frames.Count; i++)
        {
            if (frames[i].Length != 1 || frames[i][0] != new ByteRange(first.Offset + (i * first.Length), first.Length))
            {
                return false;
            }
        }
        return true;
    }
}
