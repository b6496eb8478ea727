namespace DicomWebArchive.Core.Operations;

/// <summary>
/// Long-running operations kept in the index, so that every replica answers for them and another replica takes over
/// one whose runner stopped: the runner holds a lease (owner and heartbeat) that it renews as it reports progress.
/// </summary>
public interface IOperationStore
{
    /// <summary>
    /// Records a new operation and claims <paramref name="studies"/> for it, in one transaction; false (and nothing
    /// recorded) when another unfinished operation holds a claim on one of them.
    /// </summary>
    Task<bool> CreateOperationAsync(OperationRecord operation, IReadOnlyCollection<string> studies, CancellationToken cancellationToken);

    Task<OperationRecord?> GetOperationAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the oldest operation that is not started, or running with a heartbeat older than <paramref name="leaseExpired"/>,
    /// for <paramref name="owner"/> and marks it running; null when there is none.
    /// </summary>
    Task<OperationRecord?> LeaseOperationAsync(string owner, DateTimeOffset now, DateTimeOffset leaseExpired, CancellationToken cancellationToken);

    /// <summary>Records progress and renews the lease; false when <paramref name="owner"/> no longer holds it.</summary>
    Task<bool> ReportOperationAsync(string id, string owner, int percentComplete, string? results, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends the operation with its final status and results and releases its study claims.</summary>
    Task FinishOperationAsync(string id, string owner, string status, string? results, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>An operation as kept: what was asked (JSON), by whom, and how far it got (results as JSON).</summary>
public sealed record OperationRecord
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string Status { get; init; } = OperationStatuses.NotStarted;
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public int PercentComplete { get; init; }
    public string? Subject { get; init; }
    public string? SubjectName { get; init; }
    public string? ClientAddress { get; init; }
    public string? CorrelationId { get; init; }
    public required string Request { get; init; }
    public string? Results { get; init; }

    public bool IsFinished => Status is OperationStatuses.Completed or OperationStatuses.Failed;

    /// <summary>The caller the operation acts for, as its audit records name them.</summary>
    public ArchiveCaller Caller => new()
    {
        Subject = Subject,
        Name = SubjectName,
        ClientAddress = ClientAddress,
        CorrelationId = CorrelationId ?? Id,
    };

    /// <summary>Whether <paramref name="caller"/> may see it: an unrestricted caller sees every one, others only their own.</summary>
    public bool IsVisibleTo(ArchiveCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Access.IsUnrestricted || (Subject is not null && Subject == caller.Subject);
    }

    public static string NewId() => Guid.NewGuid().ToString("N");
}

/// <summary>The states an operation goes through, spelled as the Microsoft DICOM server spells them.</summary>
public static class OperationStatuses
{
    public const string NotStarted = "notStarted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

public static class OperationTypes
{
    public const string Update = "update";
    public const string Verify = "verify";
}
