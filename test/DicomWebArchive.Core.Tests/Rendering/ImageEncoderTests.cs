using DicomWebArchive.Core.Rendering;
using SkiaSharp;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class ImageEncoderTests
{
    [TestCase(512, 256, 128, 128, 128, 64)]
    [TestCase(256, 512, 128, 128, 64, 128)]
    [TestCase(64, 64, 200, 100, 100, 100)]
    [TestCase(1000, 1, 10, 10, 10, 1)]
    [TestCase(3, 3, 4096, 4096, 4096, 4096)]
    public void FitInside_Viewport_KeepsAspectWithinBox(int width, int height, int boxWidth, int boxHeight, int expectedWidth, int expectedHeight)
    {
        Assert.That(ImageEncoder.FitInside(width, height, (boxWidth, boxHeight)), Is.EqualTo((expectedWidth, expectedHeight)));
    }

    [Test]
    public void FitInside_NoViewport_ImageSize()
    {
        Assert.That(ImageEncoder.FitInside(640, 480, null), Is.EqualTo((640, 480)));
    }

    [TestCase(RenderedFormat.Png, "image/png")]
    [TestCase(RenderedFormat.Jpeg, "image/jpeg")]
    public void Encode_GreyBitmap_DecodesToRequestedSize(RenderedFormat format, string mediaType)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(40, 20, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(200, 200, 200));

        var image = ImageEncoder.Encode(bitmap, new RenderOptions { Format = format, Viewport = (10, 10) });

        using var decoded = SKBitmap.Decode(image.Content);
        Assert.That((image.MediaType, image.Width, image.Height), Is.EqualTo((mediaType, 10, 5)));
        Assert.That((decoded.Width, decoded.Height), Is.EqualTo((10, 5)));
        Assert.That(decoded.GetPixel(5, 2).Red, Is.InRange(198, 202));
    }
}
