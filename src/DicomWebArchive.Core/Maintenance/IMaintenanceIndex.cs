using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Core.Maintenance;

/// <summary>
/// What deleting, restoring, updating, purging and checking stored instances need of the index. Deleted instances
/// leave the live tables at once and wait, with their blob, until their purge time; replaced blobs wait likewise.
/// </summary>
public interface IMaintenanceIndex
{
    /// <summary>
    /// Deletes what <paramref name="scope"/> names and the caller may see, in one transaction: the instances leave every
    /// read and search, aggregates are recounted, empty series and studies go, and each instance gets a "delete" change.
    /// Returns how many instances were deleted (0: nothing the caller may see is there).
    /// </summary>
    Task<int> DeleteAsync(InstanceScope scope, ArchiveCaller caller, DateTimeOffset purgeAfter, CancellationToken cancellationToken);

    /// <summary>The latest deleted version of each instance of the study whose purge time is still ahead, oldest first.</summary>
    Task<IReadOnlyList<DeletedInstance>> ListRestorableAsync(string studyInstanceUid, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Brings a deleted instance back as <paramref name="record"/> (read from its blob), in one transaction with the removal
    /// of its deleted row; false when an instance of that SOP Instance UID is live again (it stays, the deleted one is purged).
    /// </summary>
    Task<bool> RestoreAsync(InstanceRecord record, long deletedId, ArchiveCaller caller, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a live instance's stored version by <paramref name="record"/> (a new blob with changed attributes): instance
    /// row, the study columns <paramref name="update"/> names, an "update" change and an audit record in one transaction; the
    /// previous blob waits for its purge time. Refused (false) when the instance is no longer stored under
    /// <paramref name="previousBlobKey"/> (deleted or replaced meanwhile).
    /// </summary>
    Task<bool> UpdateInstanceAsync(InstanceRecord record, string previousBlobKey, InstanceUpdate update, ArchiveCaller caller, CancellationToken cancellationToken);

    /// <summary>Keeps a blob no instance uses until <paramref name="purgeAfter"/>, then it is purged.</summary>
    Task RetireBlobAsync(string blobKey, string? sopInstanceUid, DateTimeOffset purgeAfter, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="limit"/> blobs whose purge time has come off the index (deleted instances and retired
    /// versions) and returns their keys, less any a live instance uses; the caller deletes them.
    /// </summary>
    Task<IReadOnlyList<string>> TakePurgeableBlobsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Every live instance (of one study, or all), streamed in storage order: what verification checks.</summary>
    IAsyncEnumerable<StoredBlob> ListStoredBlobsAsync(string? studyInstanceUid, CancellationToken cancellationToken);

    /// <summary>How many live instances the index holds (of one study, or all).</summary>
    Task<long> CountInstancesAsync(string? studyInstanceUid, CancellationToken cancellationToken);
}

/// <summary>A deleted instance waiting for its purge.</summary>
public sealed record DeletedInstance(long Id, string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string BlobKey, long Size, byte[] Sha256);

/// <summary>A live instance's blob and what the index says it holds.</summary>
public sealed record StoredBlob(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string BlobKey, long Size, byte[] Sha256);

/// <summary>What an update of an instance changes besides the instance row.</summary>
/// <param name="StudyAttributes">The study columns to set from the record (the changed attributes the index holds).</param>
/// <param name="AccessKeyChanged">The per-study access attribute changed: the study's access key follows.</param>
/// <param name="PurgeAfter">When the previous blob goes.</param>
/// <param name="Details">For the audit record, e.g. which operation.</param>
public sealed record InstanceUpdate(IReadOnlyCollection<QueryAttribute> StudyAttributes, bool AccessKeyChanged, DateTimeOffset PurgeAfter, string Details);
