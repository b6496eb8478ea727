using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Maintenance;

/// <summary>
/// Deleting studies, series and instances, restoring a deleted study while its blobs remain, and purging blobs whose
/// time has come. A delete is immediate for every reader; the blobs stay for Retention:PurgeDelay, so a mistaken delete
/// can be undone, then the purge removes them.
/// </summary>
public sealed partial class DeletionService(
    IMaintenanceIndex index,
    IBlobStore blobs,
    IOptions<RetentionOptions> retention,
    IOptions<StoreOptions> store,
    IOptions<StudyAccessOptions> access,
    TimeProvider time,
    ILogger<DeletionService> logger)
{
    private const int PurgeBatch = 500;

    /// <summary>Deletes what the scope names and the caller may see; returns how many instances (0: none, a 404).</summary>
    public async Task<int> DeleteAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        int deleted = await index.DeleteAsync(scope, caller, time.GetUtcNow() + retention.Value.PurgeDelay, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            caller.Audit.Touched(scope.StudyInstanceUid, scope.SeriesInstanceUid, scope.SopInstanceUid, null, deleted);
        }
        return deleted;
    }

    /// <summary>
    /// Brings back every deleted instance of the study whose blob has not been purged (the latest version of each, unless
    /// the same SOP Instance UID was stored again since); returns how many (0: nothing to restore, a 404).
    /// </summary>
    public async Task<int> RestoreStudyAsync(ArchiveCaller caller, string studyInstanceUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        int restored = 0;
        foreach (var deleted in await index.ListRestorableAsync(studyInstanceUid, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            Index.InstanceRecord record;
            try
            {
                (record, _) = await BlobInstanceReader.ReadAsync(blobs, deleted.BlobKey, store.Value.BulkDataThreshold, access.Value.Tag, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BlobMissingException or DicomFormatException)
            {
                LogNotRestorable(logger, deleted.SopInstanceUid, ex.Message);
                continue;
            }
            if (await index.RestoreAsync(record, deleted.Id, caller, cancellationToken).ConfigureAwait(false))
            {
                restored++;
            }
        }
        if (restored > 0)
        {
            caller.Audit.Touched(studyInstanceUid, null, null, null, restored);
        }
        return restored;
    }

    /// <summary>Removes the blobs whose purge time has come; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        int purged = 0;
        while (true)
        {
            var keys = await index.TakePurgeableBlobsAsync(time.GetUtcNow(), PurgeBatch, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys)
            {
                try
                {
                    await blobs.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                    purged++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The index no longer names it: the orphan sweeper removes it later.
                    LogPurgeFailed(logger, key, ex);
                }
            }
            if (keys.Count < PurgeBatch)
            {
                return purged;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted instance {SopInstanceUid} cannot be restored: {Reason}")]
    private static partial void LogNotRestorable(ILogger logger, string sopInstanceUid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not purge blob {BlobKey}; the orphan sweeper will")]
    private static partial void LogPurgeFailed(ILogger logger, string blobKey, Exception exception);
}
