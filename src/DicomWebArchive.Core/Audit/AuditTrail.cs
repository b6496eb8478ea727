using Microsoft.Extensions.Logging;

namespace DicomWebArchive.Core.Audit;

/// <summary>
/// Records of reads and refusals, batched: a request adds its record and goes on; <see cref="FlushAsync"/> (every fraction
/// of a second, and at shutdown) writes what is pending in one transaction. Nothing is dropped: records that could not be
/// written stay pending, and while the trail cannot be written, <see cref="IsWriting"/> is false and front ends refuse
/// reads (they fail closed). Store records do not come through here: they commit with their instance.
/// </summary>
public sealed partial class AuditTrail(IAuditStore store, ILogger<AuditTrail> logger)
{
    private const int BatchSize = 1000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private List<AuditRecord> _pending = [];
    private volatile bool _failing;

    /// <summary>False while the last write failed: reads are refused until records are written again.</summary>
    public bool IsWriting => !_failing;

    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public void Record(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _pending.Add(record);
        }
    }

    /// <summary>Writes every pending record, in the order they were recorded; on failure keeps them for the next flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                List<AuditRecord> batch;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        return;
                    }
                    batch = _pending.Count <= BatchSize ? _pending : _pending[..BatchSize];
                    _pending = _pending.Count <= BatchSize ? [] : _pending[BatchSize..];
                }
                try
                {
                    await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
                    _failing = false;
                }
                catch (Exception ex)
                {
                    lock (_gate)
                    {
                        _pending.InsertRange(0, batch);
                    }
                    if (!_failing)
                    {
                        LogWriteFailed(logger, batch.Count, ex);
                    }
                    _failing = true;
                    if (ex is OperationCanceledException)
                    {
                        throw;
                    }
                    return;
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => store.QueryAsync(query, cancellationToken);

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => store.VerifyAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit trail cannot be written ({Count} record(s) pending); reads are refused until it can")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
