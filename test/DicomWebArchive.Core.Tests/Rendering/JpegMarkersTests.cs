using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class JpegMarkersTests
{
    private static readonly byte[] Quantization = [0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01];
    private static readonly byte[] FrameHeader = [0xFF, 0xC0, 0x00, 0x02];

    [Test]
    public void DeclareRgb_NoColorMarker_AdobeTransformZeroAfterSoi()
    {
        byte[] stream = [0xFF, 0xD8, .. Quantization, .. FrameHeader];

        var patched = JpegMarkers.DeclareRgb(stream);

        Assert.That(patched[2..18], Is.EqualTo(new byte[] { 0xFF, 0xEE, 0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64, 0, 0, 0, 0, 0 }));
        Assert.That(patched[18..], Is.EqualTo(stream[2..]));
    }

    [Test]
    public void DeclareRgb_JfifMarker_Unchanged()
    {
        byte[] jfif = [0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8.ToArray(), 1, 1, 0, 0, 1, 0, 1, 0, 0];
        byte[] stream = [0xFF, 0xD8, .. jfif, .. FrameHeader];

        Assert.That(JpegMarkers.DeclareRgb(stream), Is.SameAs(stream));
    }

    [Test]
    public void DeclareRgb_TruncatedAdobeMarker_StillDeclared()
    {
        // A 12-byte Adobe segment, as some encoders write it, is too short for decoders to honour.
        byte[] shortAdobe = [0xFF, 0xEE, 0x00, 0x0C, .. "Adobe"u8.ToArray(), 0, 0, 0, 0, 0];
        byte[] stream = [0xFF, 0xD8, .. shortAdobe, .. FrameHeader];

        Assert.That(JpegMarkers.DeclareRgb(stream).Length, Is.EqualTo(stream.Length + 16));
    }

    [Test]
    public void DeclareRgb_NotJpeg_Unchanged()
    {
        byte[] stream = [1, 2, 3, 4, 5];

        Assert.That(JpegMarkers.DeclareRgb(stream), Is.SameAs(stream));
    }
}
