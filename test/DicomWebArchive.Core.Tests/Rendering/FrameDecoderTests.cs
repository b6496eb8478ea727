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
}
