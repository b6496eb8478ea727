using DicomWebArchive.Core.Blobs;

namespace DicomWebArchive.Core.Tiers;

/// <summary>What the index keeps about tiers: each study's tier and last access, each blob's tier, and the moves.</summary>
public interface ITierIndex
{
    /// <summary>The study's tier, last access, instances and bytes per tier and unfinished move; null when it is not stored.</summary>
    Task<StudyStorage?> GetStudyStorageAsync(string studyInstanceUid, CancellationToken cancellationToken);

    /// <summary>
    /// Records a move of the study to <paramref name="target"/> and returns it: the unfinished move to the same tier when
    /// there is one, else a new move that supersedes any other. A move to archive makes the study archived for readers at
    /// once. Null when the study is not stored.
    /// </summary>
    Task<TierMove?> StartMoveAsync(string studyInstanceUid, BlobTier target, string reason, string? requestedBy, CancellationToken cancellationToken);

    Task<TierMove?> GetMoveAsync(long id, CancellationToken cancellationToken);

    /// <summary>Moves not finished yet, oldest first: what a restarted archive resumes.</summary>
    Task<IReadOnlyList<TierMove>> ListPendingMovesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the unfinished move until <paramref name="until"/> unless another worker's hold lasts past
    /// <paramref name="now"/>; false when not taken. <see cref="DateTimeOffset.MaxValue"/> as now renews or releases a hold.
    /// </summary>
    Task<bool> ClaimMoveAsync(long id, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>The study's blobs in index order (series, then instance number).</summary>
    Task<IReadOnlyList<StudyBlob>> ListStudyBlobsAsync(string studyInstanceUid, CancellationToken cancellationToken);

    /// <summary>Records that the instance's blob (unless replaced meanwhile) is now in <paramref name="tier"/>.</summary>
    Task SetInstanceTierAsync(string sopInstanceUid, string blobKey, BlobTier tier, CancellationToken cancellationToken);

    /// <summary>Marks the move done and the study in its target tier; false when the move was superseded meanwhile.</summary>
    Task<bool> CompleteMoveAsync(long id, CancellationToken cancellationToken);

    Task FailMoveAsync(long id, string error, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the study's last access to <paramref name="now"/> unless it was set within <paramref name="resolution"/>;
    /// returns the study's tier when it wrote, null otherwise.
    /// </summary>
    Task<BlobTier?> TouchStudyAsync(string studyInstanceUid, DateTimeOffset now, TimeSpan resolution, CancellationToken cancellationToken);

    /// <summary>Online studies neither opened nor stored into since <paramref name="idleSince"/>, by id after <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<IdleStudy>> ListIdleStudiesAsync(DateTimeOffset idleSince, long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Instances and bytes per tier over the whole archive.</summary>
    Task<IReadOnlyList<TierUsage>> GetUsageAsync(CancellationToken cancellationToken);
}

public sealed record TierUsage(BlobTier Tier, long Instances, long Bytes);

public sealed record StudyStorage(
    string StudyInstanceUid, BlobTier Tier, DateTimeOffset? LastAccess, DateTimeOffset LastStored, IReadOnlyList<TierUsage> Usage, TierMove? PendingMove);

public sealed record StudyBlob(string SeriesInstanceUid, string SopInstanceUid, string BlobKey, BlobTier Tier, long Size, bool IsImage);

public sealed record IdleStudy(long Id, string StudyInstanceUid, BlobTier Tier, IReadOnlyList<string> Modalities, DateTimeOffset LastActivity);

/// <summary>A move of a study between tiers, as recorded in the index; also the operation a client polls.</summary>
public sealed record TierMove
{
    public required long Id { get; init; }
    public required string StudyInstanceUid { get; init; }
    public required BlobTier Source { get; init; }
    public required BlobTier Target { get; init; }
    public required string Status { get; init; }

    /// <summary>admin, lifecycle, access (promotion) or rehydration.</summary>
    public required string Reason { get; init; }
    public string? RequestedBy { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    public bool IsPending => Status == TierMoveStatus.Pending;
}

public static class TierMoveStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Superseded = "superseded";
    public const string Failed = "failed";
}

public static class TierMoveReason
{
    public const string Admin = "admin";
    public const string Lifecycle = "lifecycle";
    public const string Access = "access";
    public const string Rehydration = "rehydration";
}
