using System.Buffers.Binary;

namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count, then up to 15 segment offsets)
/// followed by PackBits-coded segments, one per byte plane: for each sample, its most significant byte first.
/// </summary>
public static class RleDecoder
{
    private const int HeaderLength = 64;
    private const int MaxExpansion = 64;

    /// <summary>
    /// Decodes one frame into native little-endian samples, pixel-interleaved (Planar Configuration 0):
    /// <paramref name="output"/> receives pixels × samples × bytesPerSample bytes.
    /// </summary>
    /// <exception cref="RenderingException">The frame is not a valid RLE frame of that geometry.</exception>
    public static void Decode(ReadOnlySpan<byte> frame, int pixels, int samples, int bytesPerSample, Span<byte> output)
    {
        int segments = samples * bytesPerSample;
        if (output.Length < (long)pixels * segments)
        {
            throw new ArgumentException("Output is smaller than the frame.", nameof(output));
        }
        Check(frame, pixels, samples, bytesPerSample);
        int stride = segments;
        for (int segment = 0; segment < segments; segment++)
        {
            var (start, end) = Segment(frame, segment, segments);
            int sample = segment / bytesPerSample;
            // Segments run most significant byte first; little-endian output puts that byte last.
            int byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
            int first = (sample * bytesPerSample) + byteInSample;
            DecodeSegment(frame[start..end], output, first, stride, pixels, segment + 1);
        }
    }

    /// <summary>
    /// Checks the header against the image before any output is allocated: the segment count, the segment offsets,
    /// and that each segment is long enough to decode to <paramref name="pixels"/> bytes (PackBits expands at most
    /// 64 times: a two-byte replicate run gives 128 bytes), so a header declaring a huge image over a small frame is
    /// refused without allocating for it.
    /// </summary>
    /// <exception cref="RenderingException">The frame cannot be an RLE frame of that geometry.</exception>
    public static void Check(ReadOnlySpan<byte> frame, int pixels, int samples, int bytesPerSample)
    {
        int segments = samples * bytesPerSample;
        if (frame.Length < HeaderLength)
        {
            throw Corrupt("the frame is shorter than its header");
        }
        int declared = BinaryPrimitives.ReadInt32LittleEndian(frame);
        if (declared != segments || segments > 15)
        {
            throw Corrupt($"it has {declared} segments where the image needs {segments}");
        }
        for (int segment = 0; segment < segments; segment++)
        {
            var (start, end) = Segment(frame, segment, segments);
            if ((long)pixels > MaxExpansion * (end - start))
            {
                throw Corrupt($"segment {segment + 1} has {end - start} bytes, too few for {pixels} pixels");
            }
        }
    }

    private static (int Start, int End) Segment(ReadOnlySpan<byte> frame, int segment, int segments)
    {
        long start = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + (segment * 4))..]);
        long end = segment + 1 < segments ? BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + (segment * 4))..]) : frame.Length;
        if (start < HeaderLength || end < start || end > frame.Length)
        {
            throw Corrupt($"segment {segment + 1} lies outside the frame");
        }
        return ((int)start, (int)end);
    }

    private static void DecodeSegment(ReadOnlySpan<byte> source, Span<byte> output, int first, int stride, int pixels, int segment)
    {
        int written = 0;
        int position = 0;
        int target = first;
        while (written < pixels && position < source.Length)
        {
            int header = (sbyte)source[position++];
            if (header >= 0)
            {
                int count = header + 1;
                if (position + count > source.Length)
                {
                    throw Corrupt($"a literal run of segment {segment} overruns");
                }
                // Some encoders pad the last run past the image; the excess is dropped.
                int kept = Math.Min(count, pixels - written);
                for (int i = 0; i < kept; i++)
                {
                    output[target] = source[position + i];
                    target += stride;
                }
                position += count;
                written += kept;
            }
            else if (header != -128)
            {
                int count = Math.Min(1 - header, pixels - written);
                if (position >= source.Length)
                {
                    throw Corrupt($"a replicate run of segment {segment} overruns");
                }
                byte value = source[position++];
                for (int i = 0; i < count; i++)
                {
                    output[target] = value;
                    target += stride;
                }
                written += count;
            }
        }
        if (written < pixels)
        {
            throw Corrupt($"segment {segment} decodes to {written} of {pixels} bytes");
        }
    }

    private static RenderingException Corrupt(string detail) =>
        new(RenderingFailure.NotRenderable, $"The RLE Lossless pixel data cannot be decoded: {detail}.");
}
