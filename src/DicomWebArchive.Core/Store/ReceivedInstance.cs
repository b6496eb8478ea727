using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core.Store;

/// <summary>
/// An instance read into an uncommitted blob and validated, or refused. <see cref="CompleteAsync"/> makes it durable
/// and indexes it; disposing without completing removes the blob.
/// </summary>
public sealed class ReceivedInstance : IAsyncDisposable
{
    private readonly StoreService _service;
    private readonly ArchiveCaller? _caller;
    private readonly IBlobWriter? _writer;
    private readonly InstanceRecord? _record;
    private readonly StoreIdentity _identity;
    private readonly StoreFindings _findings = StoreFindings.None;
    private readonly StoreOutcome? _failure;
    private int _completed;

    internal ReceivedInstance(StoreService service, ArchiveCaller caller, IBlobWriter writer, InstanceRecord record, StoreIdentity identity, StoreFindings findings)
    {
        _service = service;
        _caller = caller;
        _writer = writer;
        _record = record;
        _identity = identity;
        _findings = findings;
    }

    internal ReceivedInstance(StoreService service, StoreOutcome failure)
    {
        _service = service;
        _failure = failure;
    }

    /// <summary>The refusal, when the instance failed before reaching the index.</summary>
    public StoreOutcome? Failure => _failure;

    /// <summary>Stores the instance (once); the outcome says whether it was stored.</summary>
    public async Task<StoreOutcome> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_failure is not null)
        {
            ArchiveMetrics.RecordStore(_failure);
            return _failure;
        }
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            throw new InvalidOperationException("The instance was already completed.");
        }
        await using (_writer!)
        {
            var outcome = await _service.CommitAndIndexAsync(_caller!, _writer!, _record!, _identity, _findings, cancellationToken);
            ArchiveMetrics.RecordStore(outcome);
            return outcome;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null && Interlocked.Exchange(ref _completed, 1) == 0)
        {
            await _writer.DisposeAsync();
        }
    }
}
