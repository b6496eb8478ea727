using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Tiers;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;

namespace DicomWebArchive.Server.Tiers;

/// <summary>
/// Storage tiers for administrators: a study's tier, bytes per tier and last access; moving it (answered when done, or
/// 202 with an operation for moves to and from archive); the operations; an on-demand run of the lifecycle policy;
/// and the report of instances, bytes and estimated monthly cost per tier.
/// </summary>
internal static class StorageEndpoints
{
    public static IEndpointRouteBuilder MapStorage(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api").WithTags("Storage").RequireAuthorization(Scopes.Admin).WithMetadata(new AuditedAction(AuditActions.Admin));
        group.MapGet("/storage/studies/{study}", GetStudyAsync).WithName("GetStudyStorage")
            .WithSummary("A study's tier, instances and bytes per tier, last access and unfinished move")
            .Produces<StudyStorageResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/storage/studies/{study}/tier", ChangeTierAsync).WithName("ChangeStudyTier")
            .WithSummary("Move a study to a tier: 200 when done (with the finished operation), 202 with an operation for moves to and from archive")
            .Produces<StudyStorageResponse>().Produces<OperationResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/operations/{id:long}", GetOperationAsync).WithName("GetTierMove")
            .WithSummary("A tier move: pending, done, superseded or failed").Produces<OperationResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/storage/lifecycle/run", RunLifecycleAsync).WithName("RunLifecycle")
            .WithSummary("Run the lifecycle policy now: the moves it started").Produces<OperationResponse[]>();
        group.MapGet("/storage/report", ReportAsync).WithName("StorageReport")
            .WithSummary("Instances, bytes and estimated monthly cost per tier").Produces<StorageReportResponse>();
        return endpoints;
    }

    private static async Task<IResult> GetStudyAsync(string study, TierService tiers, CancellationToken cancellationToken)
    {
        if (Problems.InvalidUid(study) is { } invalid)
        {
            return invalid;
        }
        return await tiers.GetStudyAsync(study, cancellationToken) is { } storage
            ? TypedResults.Ok(StudyStorageResponse.From(storage))
            : Problems.NotFound($"Study {study} is not stored.");
    }

    private static async Task<IResult> ChangeTierAsync(string study, TierRequest? body, HttpContext http, TierService tiers, CancellationToken cancellationToken)
    {
        if (Problems.InvalidUid(study) is { } invalid)
        {
            return invalid;
        }
        if (!BlobTiers.TryParse(body?.Tier, out var tier))
        {
            return Problems.BadRequest(body?.Tier is null
                ? "The body must name a tier: {\"tier\": \"Hot\" | \"Cool\" | \"Cold\" | \"Archive\"}."
                : $"'{Problems.Shorten(body.Tier)}' is not a tier: Hot, Cool, Cold or Archive.");
        }
        TierChange? change;
        try
        {
            change = await tiers.ChangeTierAsync(http.Caller(), study, tier, cancellationToken);
        }
        catch (TierUnavailableException e)
        {
            return Problems.BadRequest(e.Message);
        }
        if (change is null)
        {
            return Problems.NotFound($"Study {study} is not stored.");
        }
        if (!change.Completed)
        {
            return TypedResults.Accepted($"/api/operations/{change.Move.Id}", OperationResponse.From(change.Move));
        }
        var storage = await tiers.GetStudyAsync(study, cancellationToken);
        return storage is null
            ? Problems.NotFound($"Study {study} is not stored.")
            : TypedResults.Ok(StudyStorageResponse.From(storage) with { Operation = OperationResponse.From(change.Move) });
    }

    private static async Task<IResult> GetOperationAsync(long id, TierService tiers, CancellationToken cancellationToken) =>
        await tiers.GetMoveAsync(id, cancellationToken) is { } move
            ? TypedResults.Ok(OperationResponse.From(move))
            : Problems.NotFound($"Operation {id} does not exist.");

    private static async Task<IResult> RunLifecycleAsync(LifecyclePolicy lifecycle, CancellationToken cancellationToken)
    {
        var moves = await lifecycle.RunAsync(cancellationToken);
        return TypedResults.Ok(moves.Select(OperationResponse.From).ToArray());
    }

    private static async Task<IResult> ReportAsync(TierService tiers, CancellationToken cancellationToken) =>
        TypedResults.Ok(StorageReportResponse.From(await tiers.GetReportAsync(cancellationToken)));
}

/// <summary>The body of PUT /api/storage/studies/{study}/tier.</summary>
internal sealed record TierRequest(string? Tier);

internal sealed record TierBytes(string Tier, long Instances, long Bytes);

internal sealed record StudyStorageResponse(string StudyInstanceUid, string Tier, string InstanceAvailability, DateTimeOffset? LastAccess,
    DateTimeOffset LastStored, long Instances, long Bytes, TierBytes[] Tiers, OperationResponse? Operation)
{
    public static StudyStorageResponse From(StudyStorage storage) => new(
        storage.StudyInstanceUid,
        storage.Tier.ToString(),
        storage.Tier == BlobTier.Archive ? "NEARLINE" : "ONLINE",
        storage.LastAccess,
        storage.LastStored,
        storage.Usage.Sum(u => u.Instances),
        storage.Usage.Sum(u => u.Bytes),
        [.. Enum.GetValues<BlobTier>().Select(t => storage.Usage.FirstOrDefault(u => u.Tier == t) is { } u
            ? new TierBytes(t.ToString(), u.Instances, u.Bytes) : new TierBytes(t.ToString(), 0, 0))],
        storage.PendingMove is { } move ? OperationResponse.From(move) : null);
}

internal sealed record OperationResponse(long Id, string Href, string StudyInstanceUid, string Source, string Target, string Status, string Reason,
    string? RequestedBy, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt)
{
    public static OperationResponse From(TierMove move) => new(move.Id, $"/api/operations/{move.Id}", move.StudyInstanceUid, move.Source.ToString(),
        move.Target.ToString(), move.Status, move.Reason, move.RequestedBy, move.Error, move.CreatedAt, move.UpdatedAt, move.CompletedAt);
}

internal sealed record TierCost(string Tier, long Instances, long Bytes, decimal PricePerGbMonth, decimal MonthlyCost);

internal sealed record StorageReportResponse(DateTimeOffset At, string Currency, long Instances, long Bytes, decimal MonthlyCost, TierCost[] Tiers)
{
    public static StorageReportResponse From(StorageReport report) => new(report.At, report.Currency, report.Instances, report.Bytes, report.MonthlyCost,
        [.. report.Tiers.Select(t => new TierCost(t.Tier.ToString(), t.Instances, t.Bytes, t.PricePerGbMonth, t.MonthlyCost))]);
}
