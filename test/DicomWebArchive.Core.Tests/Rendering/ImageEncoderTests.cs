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

    [Test]
    public void Encode_JpegWiderThanJpegAllows_RenderingExceptionNamingPng()
    {
        // A header declaring 1 x 65535 (Bits Allocated 1, so the pixel data suffices) renders to a line JPEG cannot hold.
        using var bitmap = new SKBitmap(new SKImageInfo(65535, 1, SKColorType.Gray8, SKAlphaType.Opaque));

        var ex = Assert.Throws<RenderingException>(() => ImageEncoder.Encode(bitmap, new RenderOptions { Format = RenderedFormat.Jpeg }));
        var png = ImageEncoder.Encode(bitmap, new RenderOptions { Format = RenderedFormat.Png });

        Assert.That(ex!.Reason, Is.EqualTo(RenderingFailure.NotRenderable));
        Assert.That(ex.Message, Does.Contain("65535x1").And.Contain("image/png"));
        Assert.That((png.Width, png.Height), Is.EqualTo((65535, 1)));
    }

    [Test]
    public void Encode_OneSidedViewportEnlargingALine_RenderingExceptionBeforeScaling()
    {
        // WADO-URI rows=32 alone enlarges a 32768 x 1 image 32 times: 1,048,576 pixels wide.
        using var bitmap = new SKBitmap(new SKImageInfo(32768, 1, SKColorType.Gray8, SKAlphaType.Opaque));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<RenderingException>(() => ImageEncoder.Encode(bitmap, new RenderOptions { Format = RenderedFormat.Png, Viewport = (int.MaxValue, 32) }));

        Assert.That(ex!.Message, Does.Contain("1048576x32").And.Contain("smaller viewport"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    [TestCase(8192, 8192, RenderedFormat.Png)]
    [TestCase(65500, 1, RenderedFormat.Jpeg)]
    public void CheckSize_WithinLimits_DoesNotThrow(int width, int height, RenderedFormat format)
    {
        Assert.DoesNotThrow(() => ImageEncoder.CheckSize(width, height, format));
    }
}
