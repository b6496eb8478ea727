using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Wado;

namespace DicomWebArchive.Server.Rendering;

/// <summary>
/// Rendered and thumbnail resources (PS3.18 §9.5, §9.7): one frame as image/jpeg or image/png after the Modality
/// and VOI LUTs. Study and series /rendered answer multipart/related with one image per instance; thumbnails of a
/// study or series show a representative instance.
/// </summary>
internal static partial class RenderedEndpoints
{
    private const string Instance = "/studies/{study}/series/{series}/instances/{instance}";

    public static IEndpointRouteBuilder MapRendered(this IEndpointRouteBuilder endpoints)
    {
        // WADO-URI links asking for image/jpeg or image/png are rendered here.
        WadoUriEndpoints.Rendered = RenderWadoUriAsync;
        var group = endpoints.MapGroup("").WithTags("WADO-RS rendered").WithMetadata(new RenderedParameters());
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(byte[]), ["image/jpeg", "image/png", "multipart/related"]));
        group.ProducesProblem(StatusCodes.Status400BadRequest);
        group.ProducesProblem(StatusCodes.Status404NotFound);
        group.ProducesProblem(StatusCodes.Status406NotAcceptable);
        group.MapGet("/studies/{study}/rendered", (HttpContext c, string study) => RenderManyAsync(c, study, null))
            .WithName("RenderStudy").WithSummary("Every image instance of a study, rendered (multipart/related)");
        group.MapGet("/studies/{study}/series/{series}/rendered", (HttpContext c, string study, string series) => RenderManyAsync(c, study, series))
            .WithName("RenderSeries").WithSummary("Every image instance of a series, rendered (multipart/related)");
        group.MapGet(Instance + "/rendered", (HttpContext c, string study, string series, string instance) => RenderOneAsync(c, study, series, instance, null, thumbnail: false))
            .WithName("RenderInstance").WithSummary("The first frame of an instance, rendered");
        group.MapGet(Instance + "/frames/{frame}/rendered", (HttpContext c, string study, string series, string instance, string frame) => RenderOneAsync(c, study, series, instance, frame, thumbnail: false))
            .WithName("RenderFrame").WithSummary("One frame, rendered");
        group.MapGet("/studies/{study}/thumbnail", (HttpContext c, string study) => ThumbnailAsync(c, study, null))
            .WithName("StudyThumbnail").WithSummary("A thumbnail of a representative instance of the study");
        group.MapGet("/studies/{study}/series/{series}/thumbnail", (HttpContext c, string study, string series) => ThumbnailAsync(c, study, series))
            .WithName("SeriesThumbnail").WithSummary("A thumbnail of the middle instance of the series");
        group.MapGet(Instance + "/thumbnail", (HttpContext c, string study, string series, string instance) => RenderOneAsync(c, study, series, instance, null, thumbnail: true))
            .WithName("InstanceThumbnail").WithSummary("A thumbnail of the first frame of an instance");
        group.MapGet(Instance + "/frames/{frame}/thumbnail", (HttpContext c, string study, string series, string instance, string frame) => RenderOneAsync(c, study, series, instance, frame, thumbnail: true))
            .WithName("FrameThumbnail").WithSummary("A thumbnail of one frame");
        return endpoints;
    }

    private static async Task<IResult> RenderOneAsync(HttpContext context, string study, string series, string instance, string? frame, bool thumbnail)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        int frameNumber = 1;
        if (frame is not null && !RenderedRequest.TryInteger(frame, 1, int.MaxValue, out frameNumber))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad frame number", $"'{Truncate(frame)}' is not a frame number: name one frame, numbered from 1.");
        }
        if (RenderedRequest.Parse(context.Request, thumbnail, out int status, out string? error) is not { } options)
        {
            return Problem(status, status == StatusCodes.Status406NotAcceptable ? "Not acceptable" : "Bad rendering parameter", error!);
        }
        var index = context.RequestServices.GetRequiredService<IIndexReader>();
        var record = await index.GetInstanceAsync(instance, context.RequestAborted);
        if (record is null || record.StudyInstanceUid != study || record.SeriesInstanceUid != series)
        {
            return NotFound("instance", instance);
        }
        return await RenderAsync(context, record, frameNumber, options);
    }

    private static async Task<IResult> ThumbnailAsync(HttpContext context, string study, string? series)
    {
        if (CheckUids(study, series) is { } invalid)
        {
            return invalid;
        }
        if (RenderedRequest.Parse(context.Request, thumbnail: true, out int status, out string? error) is not { } options)
        {
            return Problem(status, status == StatusCodes.Status406NotAcceptable ? "Not acceptable" : "Bad rendering parameter", error!);
        }
        var index = context.RequestServices.GetRequiredService<IIndexReader>();
        var instances = await index.ListInstancesAsync(study, series, context.RequestAborted);
        if (instances.Count == 0)
        {
            return series is null ? NotFound("study", study) : NotFound("series", series);
        }
        if (Representative(instances) is not { } record)
        {
            return Problem(StatusCodes.Status406NotAcceptable, "Not renderable", $"The {(series is null ? "study" : "series")} holds no image instance to show.");
        }
        return await RenderAsync(context, record, 1, options);
    }

    /// <summary>The middle image instance of the first series that has images (instances come ordered by series, then number).</summary>
    internal static InstanceRecord? Representative(IReadOnlyList<InstanceRecord> instances)
    {
        var images = instances.Where(i => i.Rows > 0 && i.Columns > 0).ToList();
        if (images.Count == 0)
        {
            return null;
        }
        string firstSeries = images[0].SeriesInstanceUid;
        var ofSeries = images.Where(i => i.SeriesInstanceUid == firstSeries).ToList();
        return ofSeries[ofSeries.Count / 2];
    }

    private static async Task<IResult> RenderAsync(HttpContext context, InstanceRecord record, int frameNumber, RenderOptions options)
    {
        var renderer = context.RequestServices.GetRequiredService<RenderService>();
        try
        {
            var image = await renderer.RenderAsync(record, frameNumber, options, context.RequestAborted);
            return TypedResults.Bytes(image.Content, image.MediaType);
        }
        catch (RenderingException ex)
        {
            return ex.Reason == RenderingFailure.FrameNotFound
                ? Problem(StatusCodes.Status404NotFound, "Frame not found", ex.Message)
                : Problem(StatusCodes.Status406NotAcceptable, "Not renderable", ex.Message);
        }
    }

    private static IResult? CheckUids(params string?[] uids)
    {
        foreach (var uid in uids)
        {
            if (uid is not null && !UidSyntax.IsValid(uid))
            {
                return Problem(StatusCodes.Status400BadRequest, "Malformed UID", $"'{Truncate(uid)}' is not a valid UID.");
            }
        }
        return null;
    }

    private static IResult NotFound(string level, string uid) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"No {level} {uid} is stored.");

    internal static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    private static string Truncate(string text) => text.Length <= 70 ? text : text[..70] + "...";
}
