using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Tiers;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// Metadata of stored instances, from the DICOM JSON precomputed at ingest: no DICOM is parsed and no JSON re-serialized.
/// Its version comes from the index alone (instance count and latest change), so a client's cached copy is validated
/// without reading any metadata. Metadata of archived studies is served like any other: it lives in the index.
/// </summary>
public sealed class MetadataService(IIndexReader index, StudyTiering tiering)
{
    /// <summary>A value that changes whenever the metadata <paramref name="scope"/> names changes; null when it names nothing the caller may see.</summary>
    public async Task<string?> GetVersionAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var version = await index.GetVersionAsync(scope, caller.Access, cancellationToken).ConfigureAwait(false);
        if (version is not { Instances: > 0 } v)
        {
            return null;
        }
        RetrieveService.Note(caller, scope, (int)Math.Min(v.Instances, int.MaxValue), v.PatientId);
        await tiering.NoteAccessAsync(scope.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
        return FormattableString.Invariant($"{v.LatestChange}-{v.Instances}");
    }

    /// <summary>The instances whose metadata <paramref name="scope"/> names, in index order; empty when none.</summary>
    /// <remarks>The caller's audit note was made by <see cref="GetVersionAsync"/>, which every metadata request calls first.</remarks>
    public Task<IReadOnlyList<InstanceContent>> FindAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return index.ListInstanceContentsAsync(scope, caller.Access, cancellationToken);
    }

    /// <summary>
    /// Writes the instances' metadata as one DICOM JSON array; stored BulkDataURIs, relative to the archive's root, are
    /// prefixed with <paramref name="bulkDataRoot"/> so they resolve.
    /// </summary>
    public static Task WriteJsonAsync(Stream output, IReadOnlyList<InstanceContent> instances, string bulkDataRoot, CancellationToken cancellationToken) =>
        MetadataAssembler.WriteArrayAsync(output, instances, bulkDataRoot, cancellationToken);
}
