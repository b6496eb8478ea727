using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>Copies byte ranges of a stored blob to a response, optionally turning big-endian words little-endian on the way.</summary>
public static class BlobRanges
{
    private const int ChunkSize = 128 * 1024;

    /// <summary>
    /// Copies <paramref name="ranges"/> (ascending, offsets in the blob) from <paramref name="source"/>, a stream of the
    /// blob's bytes from <paramref name="sourceOffset"/> on, read forward only. <paramref name="swapUnit"/> (1, 2, 4 or 8)
    /// is the word size to byte-swap; 1 copies as is.
    /// </summary>
    /// <exception cref="EndOfStreamException">The blob is shorter than a range claims.</exception>
    public static async Task CopyAsync(Stream source, long sourceOffset, IEnumerable<ByteRange> ranges, Stream output, int swapUnit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(output);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long position = sourceOffset;
            foreach (var range in ranges)
            {
                await SkipAsync(source, range.Offset - position, chunk, cancellationToken).ConfigureAwait(false);
                long remaining = range.Length;
                int carry = 0;
                while (remaining > 0)
                {
                    int want = (int)Math.Min(ChunkSize - carry, remaining);
                    int read = await source.ReadAsync(chunk.AsMemory(carry, want), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new EndOfStreamException($"The stored blob ends {remaining} bytes before the end of range {range.Offset}+{range.Length}.");
                    }
                    remaining -= read;
                    int filled = carry + read;
                    // Swap whole words only; a partial word waits for the next read (or goes out as is at the very end).
                    int whole = swapUnit > 1 && remaining > 0 ? filled - (filled % swapUnit) : filled;
                    Swap(chunk.AsSpan(0, whole), swapUnit);
                    await output.WriteAsync(chunk.AsMemory(0, whole), cancellationToken).ConfigureAwait(false);
                    carry = filled - whole;
                    if (carry > 0)
                    {
                        chunk.AsSpan(whole, carry).CopyTo(chunk);
                    }
                }
                position = range.End;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Total length of <paramref name="ranges"/>.</summary>
    public static long Length(IEnumerable<ByteRange> ranges) => ranges.Sum(r => r.Length);

    /// <summary>The one range from the start of the first of <paramref name="ranges"/> to the end of the last.</summary>
    public static ByteRange Span(IReadOnlyList<ByteRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        return ranges.Count == 0 ? default : new ByteRange(ranges[0].Offset, ranges[^1].End - ranges[0].Offset);
    }

    /// <summary>The sub-ranges covering bytes [start, start+length) of the concatenation of <paramref name="ranges"/>.</summary>
    public static IEnumerable<ByteRange> Slice(IReadOnlyList<ByteRange> ranges, long start, long length)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        long position = 0;
        foreach (var range in ranges)
        {
            if (length <= 0)
            {
                yield break;
            }
            long end = position + range.Length;
            if (start < end)
            {
                long skip = Math.Max(0, start - position);
                long take = Math.Min(range.Length - skip, length);
                yield return new ByteRange(range.Offset + skip, take);
                length -= take;
                start += take;
            }
            position = end;
        }
    }

    internal static void Swap(Span<byte> bytes, int unit)
    {
        switch (unit)
        {
            case 2:
                var words = MemoryMarshal.Cast<byte, ushort>(bytes[..(bytes.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 4:
                var dwords = MemoryMarshal.Cast<byte, uint>(bytes[..(bytes.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(dwords, dwords);
                break;
            case 8:
                var qwords = MemoryMarshal.Cast<byte, ulong>(bytes[..(bytes.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(qwords, qwords);
                break;
        }
    }

    private static async Task SkipAsync(Stream source, long count, byte[] scratch, CancellationToken cancellationToken)
    {
        if (count < 0)
        {
            throw new InvalidOperationException("Ranges of a blob must be copied in ascending order.");
        }
        if (count > 0 && source.CanSeek)
        {
            source.Seek(count, SeekOrigin.Current);
            return;
        }
        while (count > 0)
        {
            int read = await source.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The stored blob ends before a range starts.");
            }
            count -= read;
        }
    }
}
