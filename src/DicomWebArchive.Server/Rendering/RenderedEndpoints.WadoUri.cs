using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Server.Rendering;

internal static partial class RenderedEndpoints
{
    /// <summary>
    /// WADO-URI (PS3.18 §9.2) for contentType image/jpeg or image/png: reads rows, columns (maxima; the aspect ratio
    /// is kept), windowCenter and windowWidth (together), frameNumber and imageQuality from the query string.
    /// </summary>
    public static async Task<IResult> RenderWadoUriAsync(HttpContext context, string studyUid, string seriesUid, string objectUid, string contentType)
    {
        if (CheckUids(studyUid, seriesUid, objectUid) is { } invalid)
        {
            return invalid;
        }
        var index = context.RequestServices.GetRequiredService<IIndexReader>();
        var record = await index.GetInstanceAsync(objectUid, context.RequestAborted);
        if (record is null || record.StudyInstanceUid != studyUid || record.SeriesInstanceUid != seriesUid)
        {
            return NotFound("instance", objectUid);
        }
        return await RenderWadoUriAsync(context, record, contentType);
    }

    /// <summary>The same for an instance already looked up (the WADO-URI endpoint's hook for rendered content types).</summary>
    public static async Task<IResult> RenderWadoUriAsync(HttpContext context, InstanceRecord record, string contentType)
    {
        var format = RenderedRequest.Negotiate(contentType);
        if (format is null)
        {
            return Problem(StatusCodes.Status406NotAcceptable, "Not acceptable", "Rendered images are available as image/jpeg and image/png.");
        }
        var query = context.Request.Query;
        var options = new RenderOptions { Format = format.Value };
        int rows = 0, columns = 0, frameNumber = 1;
        if (query.TryGetValue("rows", out var rowsText) && !RenderedRequest.TryInteger(rowsText, 1, RenderedRequest.MaxViewport, out rows))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad rendering parameter", $"rows must be an integer from 1 to {RenderedRequest.MaxViewport}.");
        }
        if (query.TryGetValue("columns", out var columnsText) && !RenderedRequest.TryInteger(columnsText, 1, RenderedRequest.MaxViewport, out columns))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad rendering parameter", $"columns must be an integer from 1 to {RenderedRequest.MaxViewport}.");
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
                return Problem(StatusCodes.Status400BadRequest, "Bad rendering parameter", "windowCenter and windowWidth go together, as decimal numbers with a width of at least 1.");
            }
            options = options with { Window = window };
        }
        if (query.TryGetValue("imageQuality", out var qualityText))
        {
            if (!RenderedRequest.TryInteger(qualityText, 1, 100, out int quality))
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad rendering parameter", "imageQuality must be an integer from 1 to 100.");
            }
            options = options with { Quality = quality };
        }
        if (query.TryGetValue("frameNumber", out var frameText) && !RenderedRequest.TryInteger(frameText, 1, int.MaxValue, out frameNumber))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad frame number", "frameNumber must be an integer of at least 1.");
        }
        return await RenderAsync(context, record, frameNumber, options);
    }
}
