using System.Buffers.Binary;
using DicomWebArchive.Core.Rendering;
using SkiaSharp;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class FrameRendererTests
{
    private static ImageDescription Grey(int bitsAllocated, int bitsStored, bool signed, string photometric = "MONOCHROME2") => new()
    {
        Rows = 1,
        Columns = 4,
        SamplesPerPixel = 1,
        BitsAllocated = bitsAllocated,
        BitsStored = bitsStored,
        HighBit = bitsStored - 1,
        IsSigned = signed,
        PhotometricInterpretation = photometric,
    };

    private static byte[] Words(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }
        return bytes;
    }

    private static byte[] GreyLevels(SKBitmap bitmap) => Enumerable.Range(0, bitmap.Width).Select(x => bitmap.GetPixel(x, 0).Red).ToArray();

    [Test]
    public void Render_NoWindow_StretchesFrameRange()
    {
        var frame = new DecodedFrame(Grey(16, 16, signed: true), Words(unchecked((ushort)-100), 0, 100, 300));

        using var bitmap = FrameRenderer.Render(frame, null);

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 0, 64, 128, 255 }));
    }

    [Test]
    public void Render_Monochrome1_Inverted()
    {
        var frame = new DecodedFrame(Grey(8, 8, signed: false, "MONOCHROME1"), [0, 85, 170, 255]);

        using var bitmap = FrameRenderer.Render(frame, null);

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 255, 170, 85, 0 }));
    }

    [Test]
    public void Render_RescaleAndDatasetWindow_AppliedInModalityUnits()
    {
        // Stored 1024 + intercept -1024 = 0 HU, the window centre: mid grey. -1000 HU and 1000 HU fall outside [-200, 200].
        var description = Grey(16, 12, signed: false) with { RescaleIntercept = -1024, Window = new VoiWindow(0, 401) };
        var frame = new DecodedFrame(description, Words(24, 1024, 1124, 2024));

        using var bitmap = FrameRenderer.Render(frame, null);

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 0, 128, 192, 255 }));
    }

    [Test]
    public void Render_RequestedWindow_OverridesDataset()
    {
        var description = Grey(8, 8, signed: false) with { Window = new VoiWindow(0, 1) };
        var frame = new DecodedFrame(description, [0, 100, 150, 200]);

        using var bitmap = FrameRenderer.Render(frame, new VoiWindow(150, 101, VoiFunction.LinearExact));

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 0, 1, 128, 254 }));
    }

    [Test]
    public void StoredValue_BitsAboveHighBit_MaskedAndSignExtended()
    {
        var description = Grey(16, 12, signed: true);
        byte[] samples = Words(0xF7FF, 0x0800, 0xFFFF, 0x1001);

        var values = Enumerable.Range(0, 4).Select(i => FrameRenderer.StoredValue(samples, i, description)).ToArray();

        Assert.That(values, Is.EqualTo(new long[] { 2047, -2048, -1, 1 }));
    }

    [Test]
    public void StoredValue_HighBitBelowBitsAllocated_Shifted()
    {
        // Bits Stored 8 with High Bit 11: the value sits in bits 4..11.
        var description = Grey(16, 8, signed: false) with { HighBit = 11 };

        Assert.That(FrameRenderer.StoredValue(Words(0xFAB5), 0, description), Is.EqualTo(0xAB));
    }

    [Test]
    public void Render_NegativeSlopeWithoutWindow_Inverts()
    {
        var frame = new DecodedFrame(Grey(8, 8, signed: false) with { RescaleSlope = -1 }, [0, 255, 0, 255]);

        using var bitmap = FrameRenderer.Render(frame, null);

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 255, 0, 255, 0 }));
    }

    [Test]
    public void Render_RgbPlanarConfigurations_SameImage()
    {
        var interleaved = Color("RGB", 0);
        var planar = Color("RGB", 1);

        using var a = FrameRenderer.Render(new DecodedFrame(interleaved, [1, 2, 3, 4, 5, 6]), null);
        using var b = FrameRenderer.Render(new DecodedFrame(planar, [1, 4, 2, 5, 3, 6]), null);

        Assert.That(a.GetPixel(1, 0), Is.EqualTo(new SKColor(4, 5, 6)));
        Assert.That(b.GetPixel(0, 0), Is.EqualTo(a.GetPixel(0, 0)));
        Assert.That(b.GetPixel(1, 0), Is.EqualTo(a.GetPixel(1, 0)));
    }

    [Test]
    public void Render_YbrFull_ConvertedToRgb()
    {
        // BT.601 full range: grey stays grey; (76, 85, 255) is pure red.
        using var bitmap = FrameRenderer.Render(new DecodedFrame(Color("YBR_FULL", 0), [128, 128, 128, 76, 85, 255]), null);

        Assert.That(bitmap.GetPixel(0, 0), Is.EqualTo(new SKColor(128, 128, 128)));
        Assert.That(bitmap.GetPixel(1, 0), Is.EqualTo(new SKColor(254, 0, 0)));
    }

    [Test]
    public void Render_YbrFull422_TwoPixelsShareChroma()
    {
        using var bitmap = FrameRenderer.Render(new DecodedFrame(Color("YBR_FULL_422", 0), [50, 200, 128, 128]), null);

        Assert.That(bitmap.GetPixel(0, 0), Is.EqualTo(new SKColor(50, 50, 50)));
        Assert.That(bitmap.GetPixel(1, 0), Is.EqualTo(new SKColor(200, 200, 200)));
    }

    [Test]
    public void Render_PaletteWithFirstMapped_ClampsOutsideTable()
    {
        // Three 16-bit entries from stored value 10: 10 -> 0x0000, 11 -> 0x8000, 12 -> 0xFFFF.
        var lut = PaletteLut.Create(3, 10, 16, Words(0x0000, 0x8000, 0xFFFF));
        var description = Grey(8, 8, signed: false, "PALETTE COLOR") with { RedPalette = lut, GreenPalette = lut, BluePalette = lut };

        using var bitmap = FrameRenderer.Render(new DecodedFrame(description, [0, 11, 12, 200]), null);

        Assert.That(GreyLevels(bitmap), Is.EqualTo(new byte[] { 0, 128, 255, 255 }));
    }

    private static ImageDescription Color(string photometric, int planar) => new()
    {
        Rows = 1,
        Columns = 2,
        SamplesPerPixel = 3,
        BitsAllocated = 8,
        BitsStored = 8,
        HighBit = 7,
        IsSigned = false,
        PhotometricInterpretation = photometric,
        PlanarConfiguration = planar,
    };
}
