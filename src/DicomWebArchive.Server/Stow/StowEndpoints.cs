using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Stow;

/// <summary>STOW-RS (PS3.18 §10.5): multipart/related application/dicom parts, or one application/dicom body.</summary>
internal static partial class StowEndpoints
{
    private const string DicomMediaType = "application/dicom";
    private const string MultipartRelated = "multipart/related";

    public static IEndpointRouteBuilder MapStow(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/studies", ([AsParameters] StowRequest request) => StoreAsync(request, null))
            .WithName("StoreInstances")
            .WithSummary("Store instances (STOW-RS) of any study")
            .WithStowMetadata();
        endpoints.MapPost("/studies/{study}", (string study, [AsParameters] StowRequest request) => StoreAsync(request, study))
            .WithName("StoreStudyInstances")
            .WithSummary("Store instances (STOW-RS) of one study; instances of another study fail")
            .WithStowMetadata();
        return endpoints;
    }

    private static RouteHandlerBuilder WithStowMetadata(this RouteHandlerBuilder builder) => builder
        .WithTags("STOW-RS")
        .WithMetadata(new AuditedAction(AuditActions.Store, ByEndpoint: true))
        .WithMetadata(new StowRequestBody())
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status406NotAcceptable)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Stores the request's instances; every instance refused, and a request refused whole, leaves an audit record.</summary>
    private static async Task<IResult> StoreAsync(StowRequest stow, string? study)
    {
        var result = await StoreInstancesAsync(stow, study);
        var caller = stow.Http.Caller();
        var audit = AuditRecord.For(caller, AuditActions.Store, stow.Time.GetUtcNow()) with { Details = $"POST {stow.Http.Request.Path}" };
        if (result is StoreResponse response)
        {
            foreach (var failed in response.Outcomes.Where(o => !o.IsStored))
            {
                stow.Audit.Record(audit with
                {
                    StudyInstanceUid = failed.StudyInstanceUid,
                    SeriesInstanceUid = failed.SeriesInstanceUid,
                    SopInstanceUid = failed.SopInstanceUid,
                    Outcome = $"refused: 0x{failed.FailureReason:X4} {failed.Message}",
                    Status = response.StatusCode,
                });
            }
        }
        else if (result is IStatusCodeHttpResult { StatusCode: >= 400 } refused)
        {
            stow.Audit.Record(audit with { StudyInstanceUid = study, Outcome = $"refused: HTTP {refused.StatusCode}", Status = refused.StatusCode });
        }
        return result;
    }

    private static async Task<IResult> StoreInstancesAsync(StowRequest stow, string? study)
    {
        var context = stow.Http;
        var request = context.Request;
        if (study is not null && !DicomUid.IsKey(study))
        {
            return Problems.BadRequest("The study in the URL is not a Study Instance UID.");
        }
        var format = StoreResponse.Negotiate(request.Headers.Accept);
        if (format is null)
        {
            return Problems.NotAcceptable("The store response is available as application/dicom+json or application/dicom+xml.");
        }
        if (MediaType.Parse(request.ContentType) is not { } contentType)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Send multipart/related; type=\"application/dicom\" or application/dicom.");
        }

        var store = stow.Store;
        var caller = context.Caller();
        var logger = stow.Logger;
        var aborted = context.RequestAborted;
        var outcomes = new List<Task<StoreOutcome>>();
        StoreOutcome? broken = null;
        IResult? refused = null;
        try
        {
            if (contentType.Is(DicomMediaType))
            {
                outcomes.Add(store.StoreAsync(caller, request.Body, study, aborted));
                await outcomes[0];
            }
            else if (contentType.Is(MultipartRelated))
            {
                string? type = contentType.PartType;
                if (type is not null && type != DicomMediaType)
                {
                    return Problems.Of(StatusCodes.Status415UnsupportedMediaType, $"multipart/related with type=\"{type}\" is not supported; send parts of type application/dicom.");
                }
                string? boundary = contentType["boundary"];
                if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
                {
                    return Problems.BadRequest("The multipart/related Content-Type has no boundary parameter.");
                }
                await StorePartsAsync(new MultipartReader(boundary, request.Body, PartReadSize) { BodyLengthLimit = null }, caller, study, store, outcomes, logger, aborted);
            }
            else
            {
                return Problems.Of(StatusCodes.Status415UnsupportedMediaType, $"{contentType.Name} is not supported; send multipart/related; type=\"application/dicom\" or application/dicom.");
            }
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client went away: the part in flight was removed, nobody is left to answer.
            var finished = await GatherAsync(outcomes);
            LogClientGone(logger, finished.Count(o => o.IsStored));
            return Results.Empty;
        }
        catch (BadHttpRequestException ex)
        {
            refused = Problems.Of(ex.StatusCode, ex.Message);
            broken = new StoreOutcome { FailureReason = StoreFailureReason.CannotUnderstand, Message = ex.Message };
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // Malformed multipart (no first boundary, body ending inside a part, oversized part headers).
            refused = Problems.BadRequest("The multipart/related body is malformed: " + ex.Message);
            broken = new StoreOutcome { FailureReason = StoreFailureReason.CannotUnderstand, Message = ex.Message };
        }

        var results = await GatherAsync(outcomes);
        if (results.Count == 0)
        {
            return refused ?? Problems.BadRequest("The request holds no instance.");
        }
        if (broken is not null)
        {
            results.Add(Refused(broken));
        }
        foreach (var failed in results.Where(o => !o.IsStored))
        {
            // Reason and cause only: UIDs and values can carry patient data.
            LogRefused(logger, failed.FailureReason!.Value, failed.Message);
        }
        return new StoreResponse(results, study, DicomWebUrls.Root(request, stow.DicomWeb.Value), format.Value);
    }

    // A part's bytes reach the parser and the blob in reads of up to this size (the reader's default, 4 KiB, takes more
    // than a hundred reads, hash updates and buffered writes per 512 KB instance): one of Kestrel's socket blocks.
    private const int PartReadSize = LargeBlockMemoryPool.BlockSize;

    // Bounds the blobs being made durable and indexed per request while later parts are read.
    private const int CompletionsInFlight = 4;

    private static async Task StorePartsAsync(MultipartReader reader, ArchiveCaller caller, string? study, StoreService store, List<Task<StoreOutcome>> outcomes, ILogger logger, CancellationToken cancellationToken)
    {
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (section.ContentType is { } partType && MediaType.Parse(partType)?.Is(DicomMediaType) != true)
            {
                await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                outcomes.Add(Task.FromResult(Refused(new StoreOutcome { FailureReason = StoreFailureReason.CannotUnderstand, Message = $"The part's Content-Type {Problems.Shorten(partType)} is not application/dicom." })));
                continue;
            }
            var received = await store.ReceiveAsync(caller, section.Body, study, cancellationToken);
            // The fsyncs and the index commit of this part overlap with receiving the next one; the answer waits for all.
            outcomes.Add(Task.Run(() => CompleteAsync(received, logger, cancellationToken), CancellationToken.None));
            // One snapshot: a completion finishing between counting and waiting must not leave WhenAny nothing to wait for.
            var pending = outcomes.Where(t => !t.IsCompleted).ToArray();
            if (pending.Length >= CompletionsInFlight)
            {
                await Task.WhenAny(pending);
            }
        }
    }

    // A fault of one part's completion is that part's failure: the others may be stored and the client must learn which.
    private static async Task<StoreOutcome> CompleteAsync(ReceivedInstance received, ILogger logger, CancellationToken cancellationToken)
    {
        await using (received)
        {
            try
            {
                return await received.CompleteAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or IOException))
            {
                LogCompletionFault(logger, ex);
                return Refused(new StoreOutcome { FailureReason = StoreFailureReason.ProcessingFailure, Message = "The instance could not be stored." });
            }
        }
    }

    /// <summary>A refusal made here rather than by the store service, counted as the service counts its own.</summary>
    private static StoreOutcome Refused(StoreOutcome outcome)
    {
        ArchiveMetrics.RecordStore(outcome);
        return outcome;
    }

    /// <summary>Waits for every part's completion; parts cut off with the request (their blobs removed) count as not stored.</summary>
    private static async Task<List<StoreOutcome>> GatherAsync(List<Task<StoreOutcome>> outcomes)
    {
        var results = new List<StoreOutcome>(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            try
            {
                results.Add(await outcome);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }
        }
        return results;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing an instance failed unexpectedly")]
    private static partial void LogCompletionFault(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance refused with failure reason {Reason:X4}: {Cause}")]
    private static partial void LogRefused(ILogger logger, ushort reason, string? cause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Store request ended by the client after {Stored} instance(s) were stored")]
    private static partial void LogClientGone(ILogger logger, int stored);
}

/// <summary>What the STOW-RS handler binds besides its route values.</summary>
internal readonly record struct StowRequest(HttpContext Http, StoreService Store, AuditTrail Audit, TimeProvider Time, IOptions<DicomWebOptions> DicomWeb, ILogger<StowRequest> Logger);
