using System.Globalization;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Maintenance;

/// <summary>
/// Rebuilds an empty index from the blob store alone, for disaster recovery and for moving to another index database:
/// every blob is a complete Part 10 instance, indexed from its own bytes as STOW indexed it. Where several blobs hold the
/// same SOP Instance UID (versions a bulk update replaced, not yet purged), the one with the latest Instance Coercion
/// DateTime (0008,0015), which every update sets, is the instance; the others are kept for the purge delay.
/// </summary>
public sealed class IndexRebuilder(
    IBlobStore blobs,
    IIndexStore index,
    IMaintenanceIndex maintenance,
    IOptions<StoreOptions> store,
    IOptions<StudyAccessOptions> access,
    IOptions<RetentionOptions> retention,
    TimeProvider time)
{
    private static readonly QueryAttribute[] StudyAttributes = [.. QueryAttributes.All.Where(a => a.Level == QueryLevel.Study && !a.IsAggregate)];

    private static readonly DicomReaderOptions HeaderOnly = new() { PixelData = PixelDataHandling.Stop, AllowMissingMeta = true };

    /// <param name="progress">Called with the number of blobs read so far, now and then.</param>
    public async Task<RebuildSummary> RebuildAsync(Action<long>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var caller = new ArchiveCaller { Subject = "rebuild-index", CorrelationId = "rebuild-index-" + started.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
        var purgeAfter = started + retention.Value.PurgeDelay;
        long read = 0, indexed = 0, older = 0;
        var unreadable = new List<string>();
        await foreach (var key in blobs.ListAsync(started, cancellationToken).ConfigureAwait(false))
        {
            if (++read % 1000 == 0)
            {
                progress?.Invoke(read);
            }
            InstanceRecord record;
            DicomFile file;
            try
            {
                (record, file) = await BlobInstanceReader.ReadAsync(blobs, key, store.Value.BulkDataThreshold, access.Value.Tag, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DicomFormatException or BlobMissingException or InvalidOperationException)
            {
                unreadable.Add(key);
                continue;
            }

            var (result, _) = await index.AddInstanceAsync(record, overwrite: false, caller, cancellationToken).ConfigureAwait(false);
            if (result == AddInstanceResult.Added)
            {
                indexed++;
                continue;
            }
            // The same instance in another blob: the newest version stays, the others wait for the purge.
            var existing = await index.FindInstanceAsync(record.SopInstanceUid, cancellationToken).ConfigureAwait(false);
            if (result == AddInstanceResult.Conflict && existing is not null
                && string.CompareOrdinal(CoercedAt(file.Dataset), await CoercedAtAsync(existing.BlobKey, cancellationToken).ConfigureAwait(false)) > 0)
            {
                // As the update that wrote it did: the study takes the newer version's attributes, the older blob waits for the purge.
                var update = new InstanceUpdate(StudyAttributes, AccessKeyChanged: true, purgeAfter, "index rebuild: a newer version of the instance");
                await maintenance.UpdateInstanceAsync(record, existing.BlobKey, update, caller, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await maintenance.RetireBlobAsync(key, record.SopInstanceUid, purgeAfter, cancellationToken).ConfigureAwait(false);
            }
            older++;
        }
        progress?.Invoke(read);
        return new RebuildSummary(read, indexed, older, unreadable);
    }

    private async Task<string> CoercedAtAsync(string key, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return "";
        }
        await using (stream.ConfigureAwait(false))
        {
            return CoercedAt((await DicomReader.ReadAsync(stream, HeaderOnly, cancellationToken).ConfigureAwait(false)).Dataset);
        }
    }

    // DT values of one writer compare as text; an instance never coerced sorts first.
    private static string CoercedAt(DicomDataset dataset) => dataset.GetAsciiString(DicomTags.InstanceCoercionDateTime) ?? "";
}

/// <param name="Blobs">Blobs read.</param>
/// <param name="Indexed">Instances indexed.</param>
/// <param name="OlderVersions">Blobs holding an older version of an indexed instance (kept until the purge delay has passed).</param>
/// <param name="Unreadable">Keys of blobs that are not instances the archive stores (left in place).</param>
public sealed record RebuildSummary(long Blobs, long Indexed, long OlderVersions, IReadOnlyList<string> Unreadable);
