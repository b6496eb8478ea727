using DicomWebArchive.Core.Retrieve;

namespace DicomWebArchive.Core.Changes;

/// <summary>
/// The change feed: every create, update and delete of an instance, in sequence order. Sequences are taken under a lock
/// held to COMMIT, so a reader that pages to the end never sees a lower sequence appear later. A restricted caller sees
/// only the changes of studies its access allowed when they happened.
/// </summary>
public sealed class ChangeFeedService(IChangeFeedIndex index)
{
    public const int MaxLimit = 100;

    public Task<IReadOnlyList<ChangeEntry>> ReadAsync(ArchiveCaller caller, ChangeFeedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, MaxLimit);
        return index.ReadChangesAsync(query, caller.Access, cancellationToken);
    }

    public Task<ChangeEntry?> ReadLatestAsync(ArchiveCaller caller, bool includeMetadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return index.ReadLatestChangeAsync(includeMetadata, caller.Access, cancellationToken);
    }

    /// <summary>An entry's metadata as one DICOM JSON object, BulkDataURIs prefixed with <paramref name="bulkDataRoot"/>.</summary>
    public static byte[] MetadataJson(byte[] compressed, string bulkDataRoot) => MetadataAssembler.Expand(compressed, bulkDataRoot);
}
