using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Core.Update;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Management;

/// <summary>
/// POST {base}/studies/$bulkUpdate starts a bulk update of patient and study attributes and answers 202 with a reference
/// to its operation; GET {base}/operations/{id} tells how it goes (202 while it runs, 200 once it has ended), as the
/// Microsoft DICOM server does. Any replica answers: operations are kept in the index.
/// </summary>
internal static class UpdateEndpoints
{
    public static IEndpointRouteBuilder MapBulkUpdate(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/studies/$bulkUpdate", StartAsync)
            .WithName("BulkUpdateStudies")
            .WithSummary("Change patient and study attributes of whole studies (a long-running operation)")
            .WithTags("Data management")
            .WithMetadata(new AuditedAction(AuditActions.Update))
            .Accepts<BulkUpdateBody>("application/json")
            .Produces<OperationReference>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return endpoints;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/operations/{id}", GetAsync)
            .WithName("GetOperation")
            .WithSummary("The state of a long-running operation")
            .WithTags("Data management")
            .Produces<OperationState>()
            .Produces<OperationState>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(HttpContext http, BulkUpdateService updates, OperationSignal signal, IOptions<DicomWebOptions> dicomWeb)
    {
        var (document, problem) = await JsonBody.ReadAsync(http.Request, optional: false);
        if (problem is not null)
        {
            return problem;
        }
        using (document)
        {
            var root = document!.RootElement;
            List<string>? studies = null;
            if (JsonBody.Property(root, "studyInstanceUids") is { } list)
            {
                if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    return Problems.BadRequest("studyInstanceUids must be an array of Study Instance UIDs.");
                }
                studies = [.. list.EnumerateArray().Select(e => e.GetString()!)];
            }
            var start = await updates.StartAsync(http.Caller(), studies, JsonBody.Property(root, "changeDataset"), http.RequestAborted);
            switch (start.Outcome)
            {
                case BulkUpdateOutcome.Started:
                    signal.Wake();
                    string href = $"{DicomWebUrls.Root(http.Request, dicomWeb.Value)}/operations/{start.Operation!.Id}";
                    return TypedResults.Accepted(href, new OperationReference(start.Operation.Id, href));
                case BulkUpdateOutcome.NotFound:
                    return Problems.NotFound(start.Message!);
                case BulkUpdateOutcome.Conflict:
                    return Problems.Of(StatusCodes.Status409Conflict, start.Message!);
                case BulkUpdateOutcome.Forbidden:
                    return Problems.Of(StatusCodes.Status403Forbidden, start.Message!);
                default:
                    return Problems.BadRequest(start.Message!);
            }
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IOperationStore operations)
    {
        var operation = IsOperationId(id) ? await operations.GetOperationAsync(id, http.RequestAborted) : null;
        if (operation is null || operation.Type != OperationTypes.Update || !operation.IsVisibleTo(http.Caller()))
        {
            return Problems.NotFound($"Operation '{Problems.Shorten(id)}' does not exist.");
        }
        var state = OperationState.Of(operation);
        return operation.IsFinished ? TypedResults.Ok(state) : TypedResults.Json(state, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Operation ids are 32 lower-case hex digits; anything else cannot name one.</summary>
    public static bool IsOperationId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}

/// <summary>The body of a bulk update, as the Microsoft DICOM server takes it.</summary>
internal sealed record BulkUpdateBody(string[] StudyInstanceUids, JsonElement ChangeDataset);

/// <summary>Where to follow a started operation.</summary>
internal sealed record OperationReference(string Id, string Href);

/// <summary>An operation as GET operations/{id} shows it (the Microsoft DICOM server's shape).</summary>
internal sealed record OperationState(
    string OperationId,
    string Type,
    string CreatedTime,
    string LastUpdatedTime,
    string Status,
    int PercentComplete,
    [property: JsonPropertyName("results")] JsonElement? Results)
{
    public static OperationState Of(OperationRecord operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        JsonElement? results = operation.Results is null ? null : JsonDocument.Parse(operation.Results).RootElement.Clone();
        return new OperationState(operation.Id, operation.Type, Time(operation.CreatedAt), Time(operation.UpdatedAt), operation.Status, operation.PercentComplete, results);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Wakes this replica's operation runner when it has just recorded an operation, instead of waiting for its next poll.</summary>
internal sealed class OperationSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
