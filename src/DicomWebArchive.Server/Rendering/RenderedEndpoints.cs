using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;

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
        var group = endpoints.MapGroup("").WithTags("WADO-RS rendered").WithMetadata(new RenderedParameters(), new AuditedAction(AuditActions.Rendered));
        group.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(byte[]), ["image/jpeg", "image/png", "multipart/related"]));
        group.ProducesProblem(StatusCodes.Status400BadRequest);
        group.ProducesProblem(StatusCodes.Status404NotFound);
        group.ProducesProblem(StatusCodes.Status406NotAcceptable);
        group.MapGet("/studies/{study}/rendered", (string study, [AsParameters] RenderRequest r) => RenderManyAsync(r, study, null))
            .WithName("RenderStudy").WithSummary("Every image instance of a study, rendered (multipart/related)");
        group.MapGet("/studies/{study}/series/{series}/rendered", (string study, string series, [AsParameters] RenderRequest r) => RenderManyAsync(r, study, series))
            .WithName("RenderSeries").WithSummary("Every image instance of a series, rendered (multipart/related)");
        group.MapGet(Instance + "/rendered", (string study, string series, string instance, [AsParameters] RenderRequest r) => RenderOneAsync(r, study, series, instance, null, thumbnail: false))
            .WithName("RenderInstance").WithSummary("The first frame of an instance, rendered");
        group.MapGet(Instance + "/frames/{frame}/rendered", (string study, string series, string instance, string frame, [AsParameters] RenderRequest r) => RenderOneAsync(r, study, series, instance, frame, thumbnail: false))
            .WithName("RenderFrame").WithSummary("One frame, rendered");
        group.MapGet("/studies/{study}/thumbnail", (string study, [AsParameters] RenderRequest r) => ThumbnailAsync(r, study, null))
            .WithName("StudyThumbnail").WithSummary("A thumbnail of a representative instance of the study");
        group.MapGet("/studies/{study}/series/{series}/thumbnail", (string study, string series, [AsParameters] RenderRequest r) => ThumbnailAsync(r, study, series))
            .WithName("SeriesThumbnail").WithSummary("A thumbnail of the middle instance of the series");
        group.MapGet(Instance + "/thumbnail", (string study, string series, string instance, [AsParameters] RenderRequest r) => RenderOneAsync(r, study, series, instance, null, thumbnail: true))
            .WithName("InstanceThumbnail").WithSummary("A thumbnail of the first frame of an instance");
        group.MapGet(Instance + "/frames/{frame}/thumbnail", (string study, string series, string instance, string frame, [AsParameters] RenderRequest r) => RenderOneAsync(r, study, series, instance, frame, thumbnail: true))
            .WithName("FrameThumbnail").WithSummary("A thumbnail of one frame");
        return endpoints;
    }

    private static async Task<IResult> RenderOneAsync(RenderRequest request, string study, string series, string instance, string? frame, bool thumbnail)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        int frameNumber = 1;
        if (frame is not null && !RenderedRequest.TryInteger(frame, 1, int.MaxValue, out frameNumber))
        {
            return Problems.BadRequest($"'{Problems.Shorten(frame)}' is not a frame number: name one frame, numbered from 1.");
        }
        if (RenderedRequest.Parse(request.Http.Request, thumbnail, out int status, out string? error) is not { } options)
        {
            return Problems.Of(status, error!);
        }
        var scope = new InstanceScope(study, series, instance);
        return await RenderAsync(() => request.Render.RenderAsync(request.Http.Caller(), scope, frameNumber, options, request.Http.RequestAborted), scope);
    }

    private static async Task<IResult> ThumbnailAsync(RenderRequest request, string study, string? series)
    {
        if (Problems.InvalidUid(study, series) is { } invalid)
        {
            return invalid;
        }
        if (RenderedRequest.Parse(request.Http.Request, thumbnail: true, out int status, out string? error) is not { } options)
        {
            return Problems.Of(status, error!);
        }
        var scope = new InstanceScope(study, series);
        return await RenderAsync(() => request.Render.RenderThumbnailAsync(request.Http.Caller(), scope, options, request.Http.RequestAborted), scope);
    }

    /// <summary>The image, or the problem: 404 when nothing is stored or the frame does not exist, 406 when it cannot be rendered.</summary>
    private static async Task<IResult> RenderAsync(Func<Task<RenderedImage?>> render, InstanceScope scope)
    {
        try
        {
            return await render() is { } image ? TypedResults.Bytes(image.Content, image.MediaType) : Problems.NotStored(scope);
        }
        catch (RenderingException ex)
        {
            return ex.Reason == RenderingFailure.FrameNotFound ? Problems.NotFound(ex.Message) : Problems.NotAcceptable(ex.Message);
        }
    }
}

/// <summary>What a rendered or thumbnail handler binds besides its route values.</summary>
internal readonly record struct RenderRequest(HttpContext Http, RenderService Render);
