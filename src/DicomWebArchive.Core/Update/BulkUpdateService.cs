using System.Text.Json;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Update;

/// <summary>
/// Starts bulk updates of patient and study attributes (as the Microsoft DICOM server's studies/$bulkUpdate): the
/// request is checked and recorded as an operation that claims its studies, and an <see cref="OperationRunner"/> does
/// the work (<see cref="BulkUpdateHandler"/>). Changing PatientID on all of a patient's studies is how two patients are merged.
/// </summary>
public sealed class BulkUpdateService(IOperationStore operations, IIndexReader index, Microsoft.Extensions.Options.IOptions<StudyAccessOptions> access, TimeProvider time)
{
    public const int MaxStudies = 50;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<BulkUpdateStart> StartAsync(ArchiveCaller caller, IReadOnlyList<string>? studyInstanceUids, JsonElement? changeDataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (studyInstanceUids is null || studyInstanceUids.Count == 0)
        {
            return BulkUpdateStart.Invalid("studyInstanceUids must name at least one study.");
        }
        if (studyInstanceUids.Count > MaxStudies)
        {
            return BulkUpdateStart.Invalid($"studyInstanceUids names at most {MaxStudies} studies per bulk update.");
        }
        foreach (var uid in studyInstanceUids)
        {
            if (uid is null || !DicomUid.IsKey(uid))
            {
                return BulkUpdateStart.Invalid($"'{Shorten(uid ?? "null")}' in studyInstanceUids is not a valid UID.");
            }
        }
        if (studyInstanceUids.Distinct(StringComparer.Ordinal).Count() != studyInstanceUids.Count)
        {
            return BulkUpdateStart.Invalid("studyInstanceUids names a study twice.");
        }
        if (changeDataset is not { } dataset)
        {
            return BulkUpdateStart.Invalid("changeDataset is required.");
        }
        IReadOnlyList<Dicom.Writing.DicomAttributeChange> changes;
        try
        {
            changes = ChangeDataset.Parse(dataset);
        }
        catch (ChangeDatasetException ex)
        {
            return BulkUpdateStart.Invalid(ex.Message);
        }
        if (access.Value.Tag is { } accessTag && caller.Access.AccessKeys is { } keys
            && changes.FirstOrDefault(c => c.Tag == accessTag) is { } moving && !keys.Contains(moving.Text.Trim(), StringComparer.Ordinal))
        {
            return BulkUpdateStart.Forbidden($"{DicomDictionary.GetKeyword(accessTag)} decides which studies a caller may see; the new value would move the studies out of yours.");
        }
        foreach (var study in studyInstanceUids)
        {
            if (await index.GetStudyAsync(study, caller.Access, cancellationToken).ConfigureAwait(false) is null)
            {
                return BulkUpdateStart.NotFound(study);
            }
        }

        var now = time.GetUtcNow();
        var operation = new OperationRecord
        {
            Id = OperationRecord.NewId(),
            Type = OperationTypes.Update,
            CreatedAt = now,
            UpdatedAt = now,
            Subject = caller.Subject,
            SubjectName = caller.Name,
            ClientAddress = caller.ClientAddress,
            CorrelationId = caller.CorrelationId,
            Request = JsonSerializer.Serialize(new BulkUpdateRequest(studyInstanceUids, dataset), Json),
            Results = JsonSerializer.Serialize(new BulkUpdateResults(), Json),
        };
        if (!await operations.CreateOperationAsync(operation, studyInstanceUids, cancellationToken).ConfigureAwait(false))
        {
            return BulkUpdateStart.Conflict("A bulk update of one of these studies is already running; try again when it has finished.");
        }
        foreach (var study in studyInstanceUids)
        {
            caller.Audit.Touched(study, null, null, null, 0);
        }
        return BulkUpdateStart.Started(operation);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}

/// <summary>What a bulk update request asked, as kept with its operation.</summary>
public sealed record BulkUpdateRequest(IReadOnlyList<string> StudyInstanceUids, JsonElement ChangeDataset);

/// <summary>A bulk update's results, named as the Microsoft DICOM server names them.</summary>
public sealed record BulkUpdateResults
{
    public int StudyUpdated { get; init; }
    public int StudyFailed { get; init; }
    public long InstanceUpdated { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];
}

public enum BulkUpdateOutcome
{
    Started,
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>How starting a bulk update went: the operation, or why not (a 400, 404, 409 or 403 for an HTTP front end).</summary>
public sealed record BulkUpdateStart(BulkUpdateOutcome Outcome, OperationRecord? Operation, string? Message)
{
    public static BulkUpdateStart Started(OperationRecord operation) => new(BulkUpdateOutcome.Started, operation, null);
    public static BulkUpdateStart Invalid(string message) => new(BulkUpdateOutcome.Invalid, null, message);
    public static BulkUpdateStart NotFound(string study) => new(BulkUpdateOutcome.NotFound, null, $"Study {study} is not stored.");
    public static BulkUpdateStart Conflict(string message) => new(BulkUpdateOutcome.Conflict, null, message);
    public static BulkUpdateStart Forbidden(string message) => new(BulkUpdateOutcome.Forbidden, null, message);
}
