namespace DicomWebArchive.Core.Changes;

/// <summary>The change log as the change feed reads it, filtered by the caller's study access inside the query.</summary>
public interface IChangeFeedIndex
{
    Task<IReadOnlyList<ChangeEntry>> ReadChangesAsync(ChangeFeedQuery query, StudyAccess access, CancellationToken cancellationToken);

    /// <summary>The newest change the caller may see; null when there is none.</summary>
    Task<ChangeEntry?> ReadLatestChangeAsync(bool includeMetadata, StudyAccess access, CancellationToken cancellationToken);
}

/// <summary>
/// A page of the change feed. Without a time window, entries follow sequence <see cref="After"/>; within one (PS3.18-style
/// startTime/endTime, as the Microsoft DICOM server's v2 feed), <see cref="Skip"/> entries of the window are passed over.
/// </summary>
public sealed record ChangeFeedQuery
{
    public long After { get; init; }
    public int Skip { get; init; }
    public int Limit { get; init; } = 10;
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    public bool IncludeMetadata { get; init; } = true;
    public bool IsWindow => StartTime is not null || EndTime is not null;
}

/// <param name="Action">One of <see cref="ChangeActions"/>.</param>
/// <param name="State">One of <see cref="ChangeStates"/>: what has become of the instance since.</param>
/// <param name="Metadata">The instance's current DICOM JSON (compressed, as stored) when it is live and was asked for.</param>
public sealed record ChangeEntry(long Sequence, string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string Action,
    DateTimeOffset Timestamp, string State, byte[]? Metadata);

public static class ChangeActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
}

public static class ChangeStates
{
    /// <summary>The change made the version of the instance that is stored now.</summary>
    public const string Current = "current";

    /// <summary>A later change made another version.</summary>
    public const string Replaced = "replaced";

    /// <summary>The instance is no longer stored.</summary>
    public const string Deleted = "deleted";
}
