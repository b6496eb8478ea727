using System.Collections.Concurrent;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core.Tests.Store;

/// <summary>How <see cref="FaultyIndex.AddInstanceAsync"/> fails.</summary>
internal enum IndexFault
{
    None,

    /// <summary>The transaction rolls back: nothing references the blob.</summary>
    RolledBack,

    /// <summary>The commit happened, but the connection broke before the database said so (a networked database).</summary>
    CommittedThenLost,
}

/// <summary>An index in memory whose commit can fail in the ways a real database's can, for the store service's failure paths.</summary>
internal sealed class FaultyIndex : IIndexStore
{
    public ConcurrentDictionary<string, (InstanceRecord Record, ArchiveCaller Caller)> Instances { get; } = new();

    public IndexFault Fault { get; set; }

    /// <summary>The reference check after a failed commit fails too (the database is gone).</summary>
    public bool FailReferenceCheck { get; set; }

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<(AddInstanceResult Result, string? ReplacedBlobKey)> AddInstanceAsync(InstanceRecord record, bool overwrite, ArchiveCaller caller, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Fault == IndexFault.RolledBack)
        {
            throw new InvalidOperationException("database is locked");
        }
        var result = (AddInstanceResult.Added, (string?)null);
        if (Instances.TryGetValue(record.SopInstanceUid, out var existing))
        {
            if (existing.Record.Sha256.AsSpan().SequenceEqual(record.Sha256))
            {
                return Task.FromResult((AddInstanceResult.AlreadyStored, (string?)null));
            }
            if (!overwrite)
            {
                return Task.FromResult((AddInstanceResult.Conflict, (string?)null));
            }
            result = (AddInstanceResult.Replaced, existing.Record.BlobKey);
        }
        Instances[record.SopInstanceUid] = (record, caller);
        if (Fault == IndexFault.CommittedThenLost)
        {
            throw new IOException("Connection reset by peer during COMMIT.");
        }
        return Task.FromResult(result);
    }

    public Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken cancellationToken) =>
        Task.FromResult(Instances.TryGetValue(sopInstanceUid, out var found)
            ? new StoredInstance(found.Record.StudyInstanceUid, found.Record.SeriesInstanceUid, sopInstanceUid, found.Record.SopClassUid, found.Record.Sha256, found.Record.BlobKey)
            : null);

    public Task<bool> IsBlobReferencedAsync(string blobKey, CancellationToken cancellationToken) =>
        FailReferenceCheck
            ? throw new IOException("The database cannot be reached.")
            : Task.FromResult(Instances.Values.Any(i => i.Record.BlobKey == blobKey));

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
