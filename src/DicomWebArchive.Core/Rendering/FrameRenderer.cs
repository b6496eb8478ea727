using System.Buffers.Binary;
using SkiaSharp;

namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// Applies the presentation pipeline to decoded samples: Modality LUT (table or rescale), VOI (window or table),
/// MONOCHROME1 inversion for grey images; color conversion or palette lookup for color ones. Grey images come out Gray8, color RGBA.
/// </summary>
public static class FrameRenderer
{
    // Stored-value ranges up to this size go through a lookup table built once per frame.
    private const long MaxLookupTable = 1 << 20;

    /// <param name="window">The requested window; null uses the data set's VOI LUT or window, then the frame's own range.</param>
    public static SKBitmap Render(DecodedFrame frame, VoiWindow? window)
    {
        var d = frame.Description;
        if (d.IsMonochrome)
        {
            return RenderGrey(frame, window);
        }
        return RenderColor(frame);
    }

    /// <summary>The stored value of sample <paramref name="index"/>: Bits Stored bits below High Bit, sign-extended when signed.</summary>
    internal static long StoredValue(ReadOnlySpan<byte> samples, long index, ImageDescription d)
    {
        long raw = d.BitsAllocated switch
        {
            8 => samples[(int)index],
            16 => BinaryPrimitives.ReadUInt16LittleEndian(samples[(int)(index * 2)..]),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(samples[(int)(index * 4)..]),
        };
        int shift = d.HighBit + 1 - d.BitsStored;
        long value = (raw >> shift) & ((1L << d.BitsStored) - 1);
        if (d.IsSigned && (value & (1L << (d.BitsStored - 1))) != 0)
        {
            value -= 1L << d.BitsStored;
        }
        return value;
    }

    private static SKBitmap RenderGrey(DecodedFrame frame, VoiWindow? requested)
    {
        var d = frame.Description;
        int count = d.Rows * d.Columns;
        ReadOnlySpan<byte> samples = frame.Samples;
        long min = long.MaxValue, max = long.MinValue;
        for (int i = 0; i < count; i++)
        {
            long v = StoredValue(samples, i, d);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        // Modality LUT, else rescale (PS3.3 C.11.1); then the requested window, the VOI LUT, the data set's window, or
        // the frame's own range (PS3.4 N.2).
        Func<long, double> modality = d.ModalityLut is { } modalityLut ? v => modalityLut[v] : v => (v * d.RescaleSlope) + d.RescaleIntercept;
        var window = requested ?? (d.VoiLut is null ? d.Window : null);
        Func<long, byte> map;
        if (window is { } w)
        {
            map = v => Level(w.Apply(modality(v)));
        }
        else if (d.VoiLut is { } voiLut)
        {
            double scale = 255.0 / ((1 << voiLut.Bits) - 1);
            map = v => Level(voiLut[(long)Math.Floor(Math.Clamp(modality(v), int.MinValue, int.MaxValue))] * scale);
        }
        else
        {
            // No window anywhere: stretch the frame's range of modality values (so a negative slope inverts).
            double low = modality(min), high = modality(max);
            if (d.ModalityLut is not null)
            {
                // A table need not be monotonic: its range is that of the values it gives this frame.
                low = double.MaxValue;
                high = double.MinValue;
                for (int i = 0; i < count; i++)
                {
                    double value = modality(StoredValue(samples, i, d));
                    low = Math.Min(low, value);
                    high = Math.Max(high, value);
                }
            }
            double lo = Math.Min(low, high), span = Math.Abs(high - low);
            map = v => span == 0 ? (byte)0 : Level((modality(v) - lo) / span * 255);
        }
        bool invert = d.PhotometricInterpretation == "MONOCHROME1";
        byte[]? table = null;
        if (max - min < MaxLookupTable)
        {
            table = new byte[max - min + 1];
            for (long v = min; v <= max; v++)
            {
                byte level = map(v);
                table[v - min] = invert ? (byte)(255 - level) : level;
            }
        }
        var bitmap = new SKBitmap(new SKImageInfo(d.Columns, d.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        var output = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        for (int y = 0; y < d.Rows; y++)
        {
            var row = output.Slice(y * rowBytes, d.Columns);
            for (int x = 0; x < d.Columns; x++)
            {
                long v = StoredValue(samples, ((long)y * d.Columns) + x, d);
                if (table is not null)
                {
                    row[x] = table[v - min];
                }
                else
                {
                    byte level = map(v);
                    row[x] = invert ? (byte)(255 - level) : level;
                }
            }
        }
        return bitmap;
    }

    private static SKBitmap RenderColor(DecodedFrame frame)
    {
        var d = frame.Description;
        ReadOnlySpan<byte> samples = frame.Samples;
        int count = d.Rows * d.Columns;
        var bitmap = new SKBitmap(new SKImageInfo(d.Columns, d.Rows, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var output = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        // Color samples wider than 8 bits keep their most significant 8.
        int shift = Math.Max(0, d.BitsStored - 8);
        for (int i = 0; i < count; i++)
        {
            int y = i / d.Columns, x = i % d.Columns;
            var pixel = output.Slice((y * rowBytes) + (x * 4), 4);
            switch (d.PhotometricInterpretation)
            {
                case "PALETTE COLOR":
                    long index = StoredValue(samples, i, d);
                    int clamped = (int)Math.Clamp(index, int.MinValue / 2, int.MaxValue / 2);
                    pixel[0] = d.RedPalette![clamped];
                    pixel[1] = d.GreenPalette![clamped];
                    pixel[2] = d.BluePalette![clamped];
                    break;
                case "YBR_FULL_422":
                    // Y1 Y2 Cb Cr per pair of pixels.
                    long pair = i / 2 * 4;
                    int luma = (int)(StoredValue(samples, pair + (i % 2), d) >> shift);
                    WriteYbr(pixel, luma, (int)(StoredValue(samples, pair + 2, d) >> shift), (int)(StoredValue(samples, pair + 3, d) >> shift));
                    break;
                default:
                    int c0 = (int)(StoredValue(samples, SampleIndex(d, i, 0, count), d) >> shift);
                    int c1 = (int)(StoredValue(samples, SampleIndex(d, i, 1, count), d) >> shift);
                    int c2 = (int)(StoredValue(samples, SampleIndex(d, i, 2, count), d) >> shift);
                    if (d.PhotometricInterpretation == "YBR_FULL")
                    {
                        WriteYbr(pixel, c0, c1, c2);
                    }
                    else
                    {
                        pixel[0] = (byte)c0;
                        pixel[1] = (byte)c1;
                        pixel[2] = (byte)c2;
                    }
                    break;
            }
            pixel[3] = 255;
        }
        return bitmap;
    }

    private static long SampleIndex(ImageDescription d, int pixel, int sample, int count) =>
        d.PlanarConfiguration == 1 ? ((long)sample * count) + pixel : ((long)pixel * 3) + sample;

    // PS3.3 C.7.6.3.1.2: YBR_FULL is full-range ITU-R BT.601 YCbCr.
    private static void WriteYbr(Span<byte> pixel, int y, int cb, int cr)
    {
        double b = cb - 128.0, r = cr - 128.0;
        pixel[0] = Level(y + (1.402 * r));
        pixel[1] = Level(y - (0.344136 * b) - (0.714136 * r));
        pixel[2] = Level(y + (1.772 * b));
    }

    private static byte Level(double value) => (byte)Math.Clamp(Math.Round(value), 0, 255);
}
