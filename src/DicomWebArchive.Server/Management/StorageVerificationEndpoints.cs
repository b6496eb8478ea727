using System.Globalization;
using System.Text.Json;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;

namespace DicomWebArchive.Server.Management;

/// <summary>
/// POST /api/storage/verify starts re-reading every blob (or one study's, <c>{"study": "…"}</c>) against the size and
/// SHA-256 the index recorded; GET /api/storage/verify/{id} shows the report, kept in the index. Administrators only.
/// </summary>
internal static class StorageVerificationEndpoints
{
    public static IEndpointRouteBuilder MapStorageVerification(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/storage").WithTags("Data management").RequireAuthorization(Scopes.Admin).WithMetadata(new AuditedAction(AuditActions.Admin));
        group.MapPost("/verify", StartAsync).WithName("VerifyStorage").WithSummary("Check every stored blob (or a study's) against its size and SHA-256")
            .Accepts<VerifyBody>("application/json")
            .Produces<OperationReference>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/verify/{id}", GetAsync).WithName("GetStorageVerification").WithSummary("A storage verification's report")
            .Produces<VerificationState>()
            .Produces<VerificationState>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(HttpContext http, StorageVerifier verifier, OperationSignal signal, IMaintenanceIndex index)
    {
        var (document, problem) = await JsonBody.ReadAsync(http.Request, optional: true);
        if (problem is not null)
        {
            return problem;
        }
        string? study = null;
        using (document)
        {
            if (document is not null && JsonBody.Property(document.RootElement, "study") is { } value)
            {
                if (value.ValueKind != JsonValueKind.String || !DicomUid.IsKey(value.GetString()!))
                {
                    return Problems.BadRequest("study must be a Study Instance UID.");
                }
                study = value.GetString();
            }
        }
        if (study is not null && await index.CountInstancesAsync(study, http.RequestAborted) == 0)
        {
            return Problems.NotFound($"Study {study} is not stored.");
        }
        var operation = await verifier.StartAsync(http.Caller(), study, http.RequestAborted);
        signal.Wake();
        string href = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/api/storage/verify/{operation.Id}";
        return TypedResults.Accepted(href, new OperationReference(operation.Id, href));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, IOperationStore operations)
    {
        var operation = UpdateEndpoints.IsOperationId(id) ? await operations.GetOperationAsync(id, http.RequestAborted) : null;
        if (operation is null || operation.Type != OperationTypes.Verify)
        {
            return Problems.NotFound($"Verification '{Problems.Shorten(id)}' does not exist.");
        }
        var state = new VerificationState(operation.Id, operation.Status, Time(operation.CreatedAt), Time(operation.UpdatedAt), operation.PercentComplete,
            operation.Results is null ? null : JsonDocument.Parse(operation.Results).RootElement.Clone());
        return operation.IsFinished ? TypedResults.Ok(state) : TypedResults.Json(state, statusCode: StatusCodes.Status202Accepted);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The optional body of POST /api/storage/verify.</summary>
internal sealed record VerifyBody(string? Study);

/// <summary>A verification and its report (see <see cref="VerificationReport"/>).</summary>
internal sealed record VerificationState(string Id, string Status, string CreatedTime, string LastUpdatedTime, int PercentComplete, JsonElement? Report);
