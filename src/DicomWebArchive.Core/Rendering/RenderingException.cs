namespace DicomWebArchive.Core.Rendering;

/// <summary>Why an instance or frame cannot be rendered; front ends map <see cref="Reason"/> to their own answer (a status code).</summary>
public sealed class RenderingException(RenderingFailure reason, string message) : Exception(message)
{
    public RenderingFailure Reason { get; } = reason;
}

public enum RenderingFailure
{
    /// <summary>The instance holds no image (no pixel data, or attributes that describe none), or one this archive cannot decode.</summary>
    NotRenderable,

    /// <summary>The requested frame does not exist.</summary>
    FrameNotFound,
}
