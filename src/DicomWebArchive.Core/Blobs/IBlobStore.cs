using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Blobs;

/// <summary>Where instance bytes live. Keys are opaque (never derived from UIDs) and chosen by the store.</summary>
public interface IBlobStore
{
    /// <summary>Starts a new blob under a fresh opaque key. Nothing is visible to readers until <see cref="IBlobWriter.CommitAsync"/>.</summary>
    Task<IBlobWriter> CreateAsync(CancellationToken cancellationToken);

    /// <summary>Opens a committed blob for reading (seekable where the store allows); null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens bytes [<see cref="ByteRange.Offset"/>, <see cref="ByteRange.End"/>) of a committed blob, reading nothing
    /// before them (a frame of a remote blob must not be read forward from offset 0); null when the blob does not exist.
    /// The stream ends early when the blob does.
    /// </summary>
    Task<Stream?> OpenReadAsync(string key, ByteRange range, CancellationToken cancellationToken);

    /// <summary>The tier the blob lives in; null when it does not exist.</summary>
    Task<BlobTier?> GetTierAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Committed blobs last written before <paramref name="olderThan"/>, for the orphan sweeper.</summary>
    IAsyncEnumerable<string> ListAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);
}

/// <summary>A blob being written. Disposing without committing removes what was written.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    string Key { get; }

    /// <summary>Write-only stream for the blob's bytes.</summary>
    Stream Stream { get; }

    /// <summary>Makes the blob durable (flushed to stable storage) and visible under <see cref="Key"/>.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>Storage tiers, fastest and dearest first. Hot, cool and cold are online; archive must be rehydrated before it is read.</summary>
public enum BlobTier
{
    Hot,
    Cool,
    Cold,
    Archive,
}
