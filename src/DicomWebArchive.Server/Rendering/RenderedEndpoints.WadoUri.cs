using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Rendering;

internal static partial class RenderedEndpoints
{
    /// <summary>
    /// WADO-URI (PS3.18 §9.2) for contentType image/jpeg or image/png of an instance already found: reads rows, columns
    /// (maxima; the aspect ratio is kept), windowCenter and windowWidth (together), frameNumber and imageQuality.
    /// </summary>
    public static async Task<IResult> RenderWadoUriAsync(HttpContext context, RenderService renderer, InstanceRecord record, string contentType)
    {
        var format = RenderedRequest.Negotiate(contentType);
        if (format is null)
        {
            return Problems.NotAcceptable("Rendered images are available as image/jpeg and image/png.");
        }
        var query = context.Request.Query;
        var options = new RenderOptions { Format = format.Value };
        int rows = 0, columns = 0, frameNumber = 1;
        if (query.TryGetValue("rows", out var rowsText) && !RenderedRequest.TryInteger(rowsText, 1, RenderedRequest.MaxViewport, out rows))
        {
            return Problems.BadRequest($"rows must be an integer from 1 to {RenderedRequest.MaxViewport}.");
        }
        if (query.TryGetValue("columns", out var columnsText) && !RenderedRequest.TryInteger(columnsText, 1, RenderedRequest.MaxViewport, out columns))
        {
            return Problems.BadRequest($"columns must be an integer from 1 to {RenderedRequest.MaxViewport}.");
        }
        if (rows > 0 || columns > 0)
        {
            // One of the two alone bounds that dimension only.
            options = options with { Viewport = (columns > 0 ? columns : int.MaxValue, rows > 0 ? rows : int.MaxValue) };
        }
        bool hasCenter = query.TryGetValue("windowCenter", out var centerText);
        bool hasWidth = query.TryGetValue("windowWidth", out var widthText);
        if (hasCenter || hasWidth)
        {
            if (!hasCenter || !hasWidth || !RenderedRequest.TryDecimal(centerText, out double center) || !RenderedRequest.TryDecimal(widthText, out double width)
                || new VoiWindow(center, width) is not { IsValid: true } window)
            {
                return Problems.BadRequest("windowCenter and windowWidth go together, as decimal numbers with a width of at least 1.");
            }
            options = options with { Window = window };
        }
        if (query.TryGetValue("imageQuality", out var qualityText))
        {
            if (!RenderedRequest.TryInteger(qualityText, 1, 100, out int quality))
            {
                return Problems.BadRequest("imageQuality must be an integer from 1 to 100.");
            }
            options = options with { Quality = quality };
        }
        if (query.TryGetValue("frameNumber", out var frameText) && !RenderedRequest.TryInteger(frameText, 1, int.MaxValue, out frameNumber))
        {
            return Problems.BadRequest("frameNumber must be an integer of at least 1.");
        }
        try
        {
            var image = await renderer.RenderAsync(record, frameNumber, options, context.RequestAborted);
            return TypedResults.Bytes(image.Content, image.MediaType);
        }
        catch (RenderingException ex)
        {
            return ex.Reason == RenderingFailure.FrameNotFound ? Problems.NotFound(ex.Message) : Problems.NotAcceptable(ex.Message);
        }
    }
}
