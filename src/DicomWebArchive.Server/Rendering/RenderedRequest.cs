using System.Globalization;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Rendering;

/// <summary>
/// The query parameters and Accept header of a rendered resource (PS3.18 §8.3.5.1 and §9.5), parsed strictly:
/// a value the archive cannot honour is a 400 naming it, never a silent default. Unknown parameters are ignored.
/// </summary>
internal static class RenderedRequest
{
    public const int MaxViewport = 8192;
    public const int ThumbnailSize = 128;

    /// <summary>Options from ?accept=, Accept, quality, viewport and window; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static RenderOptions? Parse(HttpRequest request, bool thumbnail, out int status, out string? error)
    {
        status = StatusCodes.Status400BadRequest;
        var query = request.Query;
        var format = Negotiate(query.TryGetValue("accept", out var accept) ? accept : request.Headers.Accept);
        if (format is null)
        {
            status = StatusCodes.Status406NotAcceptable;
            error = "Rendered images are available as image/jpeg and image/png.";
            return null;
        }
        var options = new RenderOptions { Format = format.Value };
        if (query.TryGetValue("quality", out var quality))
        {
            if (!TryInteger(quality, 1, 100, out int value))
            {
                error = "quality must be an integer from 1 to 100.";
                return null;
            }
            options = options with { Quality = value };
        }
        if (query.TryGetValue("viewport", out var viewport))
        {
            if (ParseViewport(viewport) is not { } box)
            {
                error = $"viewport must be two positive integers 'width,height', each at most {MaxViewport}.";
                return null;
            }
            options = options with { Viewport = box };
        }
        else if (thumbnail)
        {
            options = options with { Viewport = (ThumbnailSize, ThumbnailSize) };
        }
        if (query.TryGetValue("window", out var window))
        {
            if (ParseWindow(window) is not { } voi)
            {
                error = "window must be 'center,width' or 'center,width,function' with a width of at least 1 (linear) or above 0 (linear-exact, sigmoid) and function linear, linear-exact or sigmoid.";
                return null;
            }
            options = options with { Window = voi };
        }
        error = null;
        return options;
    }

    /// <summary>The preferred acceptable format; JPEG when nothing is said; null when nothing acceptable is offered.</summary>
    public static RenderedFormat? Negotiate(StringValues accept)
    {
        foreach (var range in MediaType.ParseAccept(accept))
        {
            // multipart/related; type="image/png" names the part type of study and series renderings.
            string name = range.IsMultipart ? range.PartType ?? "image/jpeg" : range.Name;
            RenderedFormat? format = name switch
            {
                "image/jpeg" or "image/jpg" or "image/*" or "*/*" => RenderedFormat.Jpeg,
                "image/png" => RenderedFormat.Png,
                _ => null,
            };
            if (format is not null)
            {
                return format;
            }
        }
        return null;
    }

    public static (int Width, int Height)? ParseViewport(string? text)
    {
        var parts = (text ?? "").Split(',');
        if (parts.Length != 2 || !TryInteger(parts[0], 1, MaxViewport, out int width) || !TryInteger(parts[1], 1, MaxViewport, out int height))
        {
            return null;
        }
        return (width, height);
    }

    public static VoiWindow? ParseWindow(string? text)
    {
        var parts = (text ?? "").Split(',');
        if (parts.Length is < 2 or > 3 || !TryDecimal(parts[0], out double center) || !TryDecimal(parts[1], out double width))
        {
            return null;
        }
        var function = VoiFunction.Linear;
        if (parts.Length == 3 && !VoiWindow.TryParseFunction(parts[2], out function))
        {
            return null;
        }
        var window = new VoiWindow(center, width, function);
        return window.IsValid ? window : null;
    }

    public static bool TryInteger(string? text, int min, int max, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    public static bool TryDecimal(string? text, out double value) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
