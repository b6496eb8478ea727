using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core;

/// <summary>Whether the parts the archive stands on answer: the index and the blob store.</summary>
public sealed class ArchiveHealth(IIndexStore index, IBlobStore blobs)
{
    public Task<bool> IsIndexHealthyAsync(CancellationToken cancellationToken) => index.IsHealthyAsync(cancellationToken);

    /// <summary>The index's health with its description and schema version, for the readiness endpoint.</summary>
    public Task<IndexHealth> GetIndexHealthAsync(CancellationToken cancellationToken) => index.GetHealthAsync(cancellationToken);

    public Task<bool> IsBlobStoreHealthyAsync(CancellationToken cancellationToken) => blobs.IsHealthyAsync(cancellationToken);

    /// <summary>The blob store's health in words naming the store and the setting to check, for the readiness endpoint.</summary>
    public Task<BlobStoreHealth> GetBlobStoreHealthAsync(CancellationToken cancellationToken) => blobs.GetHealthAsync(cancellationToken);
}
