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

    /// <summary>Whether the store answers, in words an operator reads: which store, and the setting to check (never a secret).</summary>
    async Task<BlobStoreHealth> GetHealthAsync(CancellationToken cancellationToken) =>
        await IsHealthyAsync(cancellationToken).ConfigureAwait(false)
            ? new BlobStoreHealth(true, "The blob store answers.")
            : new BlobStoreHealth(false, "The blob store does not answer.");

    /// <summary>The tiers this store can put a blob in; a tier it lacks is refused before any move starts.</summary>
    IReadOnlySet<BlobTier> Tiers => AllTiers;

    /// <summary>How long bringing a blob back from archive usually takes: what a read of archived data asks the client to wait.</summary>
    TimeSpan RehydrationTime => TimeSpan.FromMinutes(1);

    /// <summary>
    /// First step of moving a blob to <paramref name="tier"/>: puts it there while it stays readable where it was (a
    /// durable copy, or the store's own atomic tier change). True when it is in the tier; false when the change was
    /// started and completes later (rehydration from archive), when the caller asks again.
    /// </summary>
    /// <exception cref="FileNotFoundException">The blob is not stored in any tier.</exception>
    Task<bool> PlaceAsync(string key, BlobTier tier, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This blob store has no tiers.");

    /// <summary>
    /// Last step of a move, once the index says the blob is in <paramref name="tier"/>: removes what
    /// <see cref="PlaceAsync"/> left in other tiers. Never the copy in <paramref name="tier"/>, and nothing when that is missing.
    /// </summary>
    Task ReleaseAsync(string key, BlobTier tier, CancellationToken cancellationToken) => Task.CompletedTask;

    private static readonly IReadOnlySet<BlobTier> AllTiers = new HashSet<BlobTier>(Enum.GetValues<BlobTier>());
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

/// <summary>What the readiness check reports about the blob store.</summary>
public sealed record BlobStoreHealth(bool IsHealthy, string Description);

/// <summary>A blob in an offline tier (archive) was read: it must be rehydrated first.</summary>
public sealed class BlobOfflineException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The blob store did not answer, or kept refusing (throttling) after its own retries: nothing was read or written,
/// and asking again later may succeed.
/// </summary>
public sealed class BlobStoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
