namespace DicomWebArchive.Core.Blobs;

/// <summary>Where instance bytes live. Keys are opaque (never derived from UIDs) and chosen by the store.</summary>
public interface IBlobStore
{
    /// <summary>Starts a new blob under a fresh opaque key. Nothing is visible to readers until <see cref="IBlobWriter.CommitAsync"/>.</summary>
    Task<IBlobWriter> CreateAsync(CancellationToken cancellationToken);

    /// <summary>Opens a committed blob for reading (seekable where the store allows); null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

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
