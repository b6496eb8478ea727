namespace DicomWebArchive.Core.Index;

/// <summary>The relational index: what is stored, where, and everything a search matches on.</summary>
public interface IIndexStore
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds the instance with its study and series rows, aggregates, change sequence and audit record in one transaction.
    /// When the SOP Instance UID exists: same SHA-256 → <see cref="AddInstanceResult.AlreadyStored"/>; different →
    /// <see cref="AddInstanceResult.Conflict"/>, or, with <paramref name="overwrite"/>, <see cref="AddInstanceResult.Replaced"/>
    /// and <paramref name="replacedBlobKey"/> set to the blob the caller must now delete. A caller whose access is
    /// restricted stores only into studies within it (<see cref="StudyAccess.Allows"/>): the study's access key, or for
    /// a study without one the instance's, must be the caller's; otherwise <see cref="AddInstanceResult.NotAuthorized"/>.
    /// </summary>
    Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddInstanceAsync(InstanceRecord record, bool overwrite, ArchiveCaller caller, CancellationToken cancellationToken);

    Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>True when some instance row references the blob (the sweeper keeps it).</summary>
    Task<bool> IsBlobReferencedAsync(string blobKey, CancellationToken cancellationToken);

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>Whether the index answers with its schema current, and in words an operator reads (never a secret).</summary>
    async Task<IndexHealth> GetHealthAsync(CancellationToken cancellationToken) =>
        await IsHealthyAsync(cancellationToken).ConfigureAwait(false)
            ? new IndexHealth(true, "The index answers.")
            : new IndexHealth(false, "The index does not answer.");
}
