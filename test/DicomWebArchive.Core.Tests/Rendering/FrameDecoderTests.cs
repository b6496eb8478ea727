using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class FrameDecoderTests
{
    private static ImageDescription Ybr422(int columns) => new()
    {
        Rows = 1,
        Columns = columns,
        SamplesPerPixel = 3,
        BitsAllocated = 8,
        BitsStored = 8,
        HighBit = 7,
        IsSigned = false,
        PhotometricInterpretation = "YBR_FULL_422",
    };

    [Test]
    public void Decode_NativeYbrFull422OddColumns_NotRenderable()
    {
        // A header damaged to 1 x 1: two bytes of frame, and rendering read the pair's Cb and Cr past them.
        var ex = Assert.Throws<RenderingException>(() => FrameDecoder.Decode(TransferSyntax.ExplicitVRLittleEndian, Ybr422(1), [50, 128]));

        Assert.That(ex!.Reason, Is.EqualTo(RenderingFailure.NotRenderable));
        Assert.That(ex.Message, Does.Contain("odd number of Columns (1)"));
    }

    [Test]
    public void Decode_NativeYbrFull422EvenColumns_RendersPairs()
    {
        var decoded = FrameDecoder.Decode(TransferSyntax.ExplicitVRLittleEndian, Ybr422(2), [50, 200, 128, 128]);
        using var bitmap = FrameRenderer.Render(decoded, null);

        Assert.That((bitmap.GetPixel(0, 0).Red, bitmap.GetPixel(1, 0).Red), Is.EqualTo(((byte)50, (byte)200)));
    }

    [Test]
    public void Decode_RleDeclaredYbrFull422_FullResolutionSamplesRenderedAsYbrFull()
    {
        // Three one-byte segments (Y, Cb, Cr) of a 1 x 1 image: a PackBits literal run of one byte each.
        var frame = new byte[70];
        frame[0] = 3;
        frame[4] = 64;
        frame[8] = 66;
        frame[12] = 68;
        byte[] segments = [0, 76, 0, 85, 0, 255];
        segments.CopyTo(frame, 64);

        var decoded = FrameDecoder.Decode(TransferSyntax.Lookup("1.2.840.10008.1.2.5"), Ybr422(1), frame);
        using var bitmap = FrameRenderer.Render(decoded, null);

        Assert.That(decoded.Description.PhotometricInterpretation, Is.EqualTo("YBR_FULL"));
        var pixel = bitmap.GetPixel(0, 0);
        Assert.That((pixel.Red, pixel.Green, pixel.Blue), Is.EqualTo(((byte)254, (byte)0, (byte)0)).Or.EqualTo(((byte)255, (byte)0, (byte)0)), "Y 76, Cb 85, Cr 255 is red");
    }
}
