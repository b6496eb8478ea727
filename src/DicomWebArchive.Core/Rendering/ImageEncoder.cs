using SkiaSharp;

namespace DicomWebArchive.Core.Rendering;

/// <summary>Scales a rendered bitmap into the viewport and encodes it as JPEG or PNG.</summary>
public static class ImageEncoder
{
    public static RenderedImage Encode(SKBitmap bitmap, RenderOptions options)
    {
        var (width, height) = FitInside(bitmap.Width, bitmap.Height, options.Viewport);
        SKBitmap? scaled = null;
        try
        {
            var source = bitmap;
            if (width != bitmap.Width || height != bitmap.Height)
            {
                // Mipmaps keep shrinking smooth (thumbnails of large images); cubic keeps enlarging sharp.
                var sampling = width < bitmap.Width
                    ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
                    : new SKSamplingOptions(SKCubicResampler.Mitchell);
                scaled = bitmap.Resize(new SKImageInfo(width, height, bitmap.ColorType, bitmap.AlphaType), sampling)
                    ?? throw new InvalidOperationException("The image could not be scaled.");
                source = scaled;
            }
            using var pixmap = source.PeekPixels();
            using var data = options.Format == RenderedFormat.Png
                ? pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))
                : pixmap.Encode(new SKJpegEncoderOptions(Math.Clamp(options.Quality, 1, 100), SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
            if (data is null)
            {
                throw new InvalidOperationException("The image could not be encoded.");
            }
            return new RenderedImage(data.ToArray(), options.MediaType, width, height);
        }
        finally
        {
            scaled?.Dispose();
        }
    }

    /// <summary>The largest size inside the viewport with the image's aspect ratio, at least 1×1.</summary>
    public static (int Width, int Height) FitInside(int width, int height, (int Width, int Height)? viewport)
    {
        if (viewport is not { } box)
        {
            return (width, height);
        }
        double scale = Math.Min((double)box.Width / width, (double)box.Height / height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }
}
