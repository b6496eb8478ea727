using System.Buffers.Binary;
using DicomWebArchive.Dicom;
using SkiaSharp;

namespace DicomWebArchive.Core.Rendering;

/// <summary>Turns the stored bytes of one frame into native samples: native data as is, RLE and 8-bit JPEG decoded.</summary>
public static class FrameDecoder
{
    /// <summary>Transfer syntaxes whose frames can be decoded for rendering.</summary>
    public static bool CanDecode(TransferSyntax syntax) =>
        syntax.IsNative || syntax.Uid is RleLossless or JpegBaseline or JpegExtended;

    private const string RleLossless = "1.2.840.10008.1.2.5";
    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    private const string JpegExtended = "1.2.840.10008.1.2.4.51";

    /// <summary>
    /// Decodes <paramref name="frame"/> (the frame's bytes: native data, or its fragments concatenated).
    /// For native data, <paramref name="firstBit"/> is where the frame starts in <paramref name="frame"/>; big-endian
    /// Pixel Data of VR OW (<paramref name="words"/>) is read from a 16-bit word boundary, so a frame of 8-bit or 1-bit
    /// data may start in the second byte.
    /// </summary>
    public static DecodedFrame Decode(TransferSyntax syntax, ImageDescription description, byte[] frame, int firstBit = 0, bool words = false)
    {
        if (syntax.IsNative)
        {
            return DecodeNative(syntax, description, frame, firstBit, words);
        }
        return syntax.Uid switch
        {
            RleLossless => DecodeRle(description, frame),
            JpegBaseline or JpegExtended => DecodeJpeg(syntax, description, frame),
            _ => throw CannotRender(syntax),
        };
    }

    public static RenderingException CannotRender(TransferSyntax syntax) =>
        new(RenderingFailure.NotRenderable, $"Cannot render transfer syntax {syntax.Uid} ({syntax.Name}); renderable are native (uncompressed), RLE Lossless and 8-bit JPEG Baseline/Extended.");

    /// <summary>Bytes of one native frame (two samples per pixel for 4:2:2 YBR).</summary>
    public static long NativeFrameBits(ImageDescription d)
    {
        long samplesPerFrame = d.PhotometricInterpretation == "YBR_FULL_422" ? 2L * d.Rows * d.Columns : (long)d.Rows * d.Columns * d.SamplesPerPixel;
        return samplesPerFrame * d.BitsAllocated;
    }

    private static DecodedFrame DecodeNative(TransferSyntax syntax, ImageDescription description, byte[] frame, int firstBit, bool words)
    {
        if (description.PhotometricInterpretation == "YBR_FULL_422" && description.Columns % 2 != 0)
        {
            // Native 4:2:2 stores Y1 Y2 Cb Cr per pair of pixels of a row (PS3.3 C.7.6.3.1.2): an odd width leaves half a pair.
            throw new RenderingException(RenderingFailure.NotRenderable, $"Cannot render native YBR_FULL_422 with an odd number of Columns ({description.Columns}); its pixels come in pairs.");
        }
        if (syntax.IsBigEndian && (description.BitsAllocated > 8 || words))
        {
            // Big-endian OW is a run of 16-bit words whatever Bits Allocated: 8-bit and 1-bit data come swapped in pairs.
            SwapBytes(frame, Math.Max(2, description.BitsAllocated / 8));
        }
        long bits = NativeFrameBits(description);
        if (description.BitsAllocated == 1)
        {
            if (firstBit + bits > frame.LongLength * 8)
            {
                throw Truncated(frame.LongLength, (bits + 7) / 8);
            }
            // Bits pack little-endian: pixel n is bit (n mod 8) of byte n / 8, counted from the frame's first bit.
            var unpacked = new byte[bits];
            for (long i = 0; i < bits; i++)
            {
                long bit = firstBit + i;
                unpacked[i] = (byte)((frame[bit >> 3] >> (int)(bit & 7)) & 1);
            }
            return new DecodedFrame(description with { BitsAllocated = 8, BitsStored = 1, HighBit = 0 }, unpacked);
        }
        long length = bits / 8;
        int start = firstBit / 8;
        if (frame.LongLength - start < length)
        {
            throw Truncated(frame.LongLength - start, length);
        }
        return new DecodedFrame(description, start == 0 ? frame : frame[start..]);
    }

    private static DecodedFrame DecodeRle(ImageDescription description, byte[] frame)
    {
        if (description.BitsAllocated % 8 != 0)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"Cannot render RLE Lossless with Bits Allocated {description.BitsAllocated}.");
        }
        int pixels = description.Rows * description.Columns;
        int bytesPerSample = description.BitsAllocated / 8;
        // Rows and Columns come from the header: a small frame that cannot hold them is refused before allocating for them.
        RleDecoder.Check(frame, pixels, description.SamplesPerPixel, bytesPerSample);
        var samples = new byte[(long)pixels * description.SamplesPerPixel * bytesPerSample];
        RleDecoder.Decode(frame, pixels, description.SamplesPerPixel, bytesPerSample, samples);
        // RLE stores YBR_FULL and RGB as full-resolution planes; what comes out is pixel-interleaved. RLE has no 4:2:2
        // (PS3.5 G.2): a header that says YBR_FULL_422 still holds a sample of each kind per pixel.
        return new DecodedFrame(description with
        {
            PlanarConfiguration = 0,
            PhotometricInterpretation = description.PhotometricInterpretation == "YBR_FULL_422" ? "YBR_FULL" : description.PhotometricInterpretation,
        }, samples);
    }

    private static DecodedFrame DecodeJpeg(TransferSyntax syntax, ImageDescription description, byte[] frame)
    {
        if (description.BitsAllocated != 8 || description.BitsStored > 8)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"Cannot render transfer syntax {syntax.Uid} ({syntax.Name}) with Bits Stored {description.BitsStored}; only 8-bit JPEG is decoded.");
        }
        if (description.PhotometricInterpretation == "RGB")
        {
            frame = JpegMarkers.DeclareRgb(frame);
        }
        using var data = SKData.CreateCopy(frame);
        using var codec = SKCodec.Create(data) ?? throw new RenderingException(RenderingFailure.NotRenderable, "The JPEG pixel data cannot be decoded: not a JPEG stream.");
        if (codec.Info.Width != description.Columns || codec.Info.Height != description.Rows)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"The JPEG pixel data is {codec.Info.Width}x{codec.Info.Height}, the image {description.Columns}x{description.Rows}.");
        }
        bool grey = description.SamplesPerPixel == 1;
        var info = new SKImageInfo(description.Columns, description.Rows, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = new byte[info.BytesSize];
        var result = codec.GetPixels(info, pixels);
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"The JPEG pixel data cannot be decoded: {result}.");
        }
        var decoded = description with { BitsAllocated = 8, BitsStored = 8, HighBit = 7, IsSigned = false, PlanarConfiguration = 0 };
        if (grey)
        {
            return new DecodedFrame(decoded, pixels);
        }
        // The JPEG decoder has already turned YCbCr into RGB.
        var rgb = new byte[pixels.Length / 4 * 3];
        for (int source = 0, target = 0; source < pixels.Length; source += 4, target += 3)
        {
            rgb[target] = pixels[source];
            rgb[target + 1] = pixels[source + 1];
            rgb[target + 2] = pixels[source + 2];
        }
        return new DecodedFrame(decoded with { PhotometricInterpretation = "RGB" }, rgb);
    }

    private static void SwapBytes(Span<byte> data, int width)
    {
        if (width == 2)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data[..(data.Length & ~1)]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
        else if (width == 4)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(data[..(data.Length & ~3)]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static RenderingException Truncated(long actual, long expected) =>
        new(RenderingFailure.NotRenderable, $"The frame holds {actual} bytes where the image needs {expected}.");
}
