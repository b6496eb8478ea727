namespace DicomWebArchive.Core.Rendering;

public enum RenderedFormat
{
    Jpeg,
    Png,
}

/// <summary>What a rendered or thumbnail request asks for (PS3.18 §8.3.5.1).</summary>
public sealed record RenderOptions
{
    public const int DefaultQuality = 90;

    public RenderedFormat Format { get; init; } = RenderedFormat.Jpeg;

    /// <summary>JPEG quality, 1 to 100.</summary>
    public int Quality { get; init; } = DefaultQuality;

    /// <summary>The box the image is scaled to fit, aspect ratio kept; null keeps the image size.</summary>
    public (int Width, int Height)? Viewport { get; init; }

    /// <summary>The requested VOI window; null uses the data set's VOI LUT or window, then the frame's own range.</summary>
    public VoiWindow? Window { get; init; }

    public string MediaType => Format == RenderedFormat.Png ? "image/png" : "image/jpeg";
}

/// <summary>An encoded rendered image.</summary>
public sealed record RenderedImage(byte[] Content, string MediaType, int Width, int Height);
