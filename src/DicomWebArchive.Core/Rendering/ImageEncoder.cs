using SkiaSharp;

namespace DicomWebArchive.Core.Rendering;

/// <summary>Scales a rendered bitmap into the viewport and encodes it as JPEG or PNG.</summary>
public static class ImageEncoder
{
    // JPEG's frame header holds at most 65500 a side in practice (libjpeg's JPEG_MAX_DIMENSION); libpng's default user limit is 1,000,000.
    private const int MaxJpegSide = 65500;
    private const int MaxPngSide = 1_000_000;

    /// <exception cref="RenderingException">The image, scaled into the viewport, is too large for the format or for memory.</exception>
    public static RenderedImage Encode(SKBitmap bitmap, RenderOptions options)
    {
        var (width, height) = FitInside(bitmap.Width, bitmap.Height, options.Viewport);
        CheckSize(width, height, options.Format);
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

    /// <summary>
    /// Header values such as 1 x 65535 (or a one-sided viewport enlarging such an image) give sizes an encoder refuses
    /// or that no viewer wants; say so instead of failing inside the encoder.
    /// </summary>
    public static void CheckSize(int width, int height, RenderedFormat format)
    {
        if ((long)width * height > ImageDescription.MaxPixels)
        {
            throw new RenderingException(RenderingFailure.NotRenderable,
                $"The rendered image would be {width}x{height}, more than {ImageDescription.MaxPixels} pixels: ask for a smaller viewport.");
        }
        int side = format == RenderedFormat.Png ? MaxPngSide : MaxJpegSide;
        if (Math.Max(width, height) > side)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, format == RenderedFormat.Png
                ? $"The rendered image would be {width}x{height}; PNG holds at most {side} pixels a side: ask for a smaller viewport."
                : $"The rendered image would be {width}x{height}; JPEG holds at most {side} pixels a side: ask for image/png or a viewport.");
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
