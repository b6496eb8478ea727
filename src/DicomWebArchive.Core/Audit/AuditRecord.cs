namespace DicomWebArchive.Core.Audit;

/// <summary>What the audit trail records of one access: who, from where, what they did to which patient's data, and how it ended.</summary>
public sealed record AuditRecord
{
    /// <summary>The record's place in the trail (assigned when written; 0 before).</summary>
    public long Sequence { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? Subject { get; init; }

    public string? SubjectName { get; init; }

    public string? ClientAddress { get; init; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    public string? StudyInstanceUid { get; init; }

    public string? SeriesInstanceUid { get; init; }

    public string? SopInstanceUid { get; init; }

    public string? PatientId { get; init; }

    /// <summary>"success", or what went wrong in words.</summary>
    public required string Outcome { get; init; }

    /// <summary>The HTTP status of the request (or the front end's own code); null when there is none.</summary>
    public int? Status { get; init; }

    /// <summary>Bytes of patient data sent or received.</summary>
    public long? Bytes { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>What was asked, e.g. the search's keys.</summary>
    public string? Details { get; init; }

    public bool Succeeded => Outcome == AuditOutcomes.Success;

    /// <summary>A record of <paramref name="caller"/>'s action, before its outcome is known.</summary>
    public static AuditRecord For(ArchiveCaller caller, string action, DateTimeOffset at) => new()
    {
        OccurredAt = at,
        Subject = caller.Subject,
        SubjectName = caller.Name,
        ClientAddress = caller.ClientAddress,
        Action = action,
        Outcome = AuditOutcomes.Success,
        CorrelationId = caller.CorrelationId,
    };
}

public static class AuditActions
{
    public const string Store = "store";
    public const string Search = "search";
    public const string Retrieve = "retrieve";
    public const string Metadata = "metadata";
    public const string Frames = "frames";
    public const string Rendered = "rendered";
    public const string Delete = "delete";
    public const string Update = "update";
    public const string Restore = "restore";
    public const string Link = "link";
    public const string Admin = "admin";
    public const string AuthenticationFailure = "authentication failure";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Store, Search, Retrieve, Metadata, Frames, Rendered, Delete, Update, Restore, Link, Admin, AuthenticationFailure]);
}

public static class AuditOutcomes
{
    public const string Success = "success";
}

/// <summary>
/// What an operation touched, noted by the Core services as they find it, for the audit record the front end writes
/// when the request ends: the first study, series, instance and patient, and how many instances.
/// </summary>
public sealed class AuditNote
{
    private readonly Lock _gate = new();

    public string? StudyInstanceUid { get; private set; }

    public string? SeriesInstanceUid { get; private set; }

    public string? SopInstanceUid { get; private set; }

    public string? PatientId { get; private set; }

    public int Instances { get; private set; }

    public void Touched(string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, string? patientId, int instances = 1)
    {
        lock (_gate)
        {
            StudyInstanceUid ??= studyInstanceUid;
            SeriesInstanceUid ??= seriesInstanceUid;
            SopInstanceUid ??= sopInstanceUid;
            PatientId ??= patientId;
            Instances += instances;
        }
    }
}
