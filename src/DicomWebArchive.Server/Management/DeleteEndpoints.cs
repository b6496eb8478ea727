using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;

namespace DicomWebArchive.Server.Management;

/// <summary>
/// DELETE of a study, series or instance (as the Microsoft DICOM server: 204, or 404 for what is not there or not the
/// caller's to see), and POST /api/deleted/studies/{study}/restore, which brings a deleted study back until its blobs
/// are purged (Retention:PurgeDelay).
/// </summary>
internal static class DeleteEndpoints
{
    public static IEndpointRouteBuilder MapDelete(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDelete("/studies/{study}", (string study, HttpContext http, DeletionService deletion) => DeleteAsync(http, deletion, study, null, null))
            .WithDelete("DeleteStudy", "Delete a study");
        endpoints.MapDelete("/studies/{study}/series/{series}", (string study, string series, HttpContext http, DeletionService deletion) =>
            DeleteAsync(http, deletion, study, series, null)).WithDelete("DeleteSeries", "Delete a series");
        endpoints.MapDelete("/studies/{study}/series/{series}/instances/{instance}", (string study, string series, string instance, HttpContext http, DeletionService deletion) =>
            DeleteAsync(http, deletion, study, series, instance)).WithDelete("DeleteInstance", "Delete an instance");
        return endpoints;
    }

    public static IEndpointRouteBuilder MapRestore(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/deleted/studies/{study}/restore", RestoreAsync)
            .WithName("RestoreStudy")
            .WithSummary("Bring back a deleted study whose blobs are not purged yet")
            .WithTags("Data management")
            .WithMetadata(new AuditedAction(AuditActions.Restore))
            .RequireAuthorization(Scopes.Admin)
            .Produces<RestoreAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static RouteHandlerBuilder WithDelete(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("Delete")
        .WithMetadata(new AuditedAction(AuditActions.Delete))
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> DeleteAsync(HttpContext http, DeletionService deletion, string study, string? series, string? instance)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var scope = new InstanceScope(study, series, instance);
        return await deletion.DeleteAsync(http.Caller(), scope, http.RequestAborted) > 0 ? TypedResults.NoContent() : Problems.NotStored(scope);
    }

    private static async Task<IResult> RestoreAsync(string study, HttpContext http, DeletionService deletion)
    {
        if (Problems.InvalidUid(study) is { } invalid)
        {
            return invalid;
        }
        int restored = await deletion.RestoreStudyAsync(http.Caller(), study, http.RequestAborted);
        return restored > 0
            ? TypedResults.Ok(new RestoreAnswer(study, restored))
            : Problems.NotFound($"Study {study} has no deleted instance to restore: none was deleted, or its purge delay has passed.");
    }
}

internal sealed record RestoreAnswer(string StudyInstanceUid, int InstancesRestored);
