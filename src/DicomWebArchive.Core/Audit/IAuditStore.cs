namespace DicomWebArchive.Core.Audit;

/// <summary>
/// The audit trail where it is kept: append-only and hash-chained, each record's hash covering the previous record's
/// hash and its own fields, so an edited or removed record breaks the chain at that point.
/// </summary>
public interface IAuditStore
{
    /// <summary>Appends the records in one transaction, in order, each chained to the one before.</summary>
    Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);

    /// <summary>A page of records matching <paramref name="query"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Walks the whole chain; the first record whose hash does not match, or none.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);
}

public sealed record AuditQuery
{
    public string? PatientId { get; init; }
    public string? StudyInstanceUid { get; init; }
    public string? Subject { get; init; }
    public string? Action { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>The chain's state: valid, or the first record (by sequence) whose hash or link does not match, and why.</summary>
public sealed record AuditVerification(bool Valid, long Records, long? FirstInvalidSequence, string? Problem);
