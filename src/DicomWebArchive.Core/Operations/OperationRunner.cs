using Microsoft.Extensions.Logging;

namespace DicomWebArchive.Core.Operations;

/// <summary>Runs one type of operation. Progress goes through the context, which also notices a lost lease.</summary>
public interface IOperationHandler
{
    string Type { get; }

    /// <summary>Does the work; returns the final status (<see cref="OperationStatuses.Completed"/> or Failed) and results.</summary>
    Task<(string Status, string Results)> RunAsync(OperationRecord operation, OperationContext context, CancellationToken cancellationToken);
}

/// <summary>What a handler reports through while it works.</summary>
public sealed class OperationContext(IOperationStore store, string id, string owner, TimeProvider time)
{
    /// <summary>Records progress and renews the lease.</summary>
    /// <exception cref="OperationCanceledException">Another runner took the operation over (this one was too slow to report).</exception>
    public async Task ReportAsync(int percentComplete, string? results, CancellationToken cancellationToken)
    {
        if (!await store.ReportOperationAsync(id, owner, Math.Clamp(percentComplete, 0, 100), results, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new OperationCanceledException($"Operation {id} was taken over by another runner.");
        }
    }
}

/// <summary>
/// Takes operations from the index and runs them, one at a time per runner. Each replica has one; an operation whose
/// runner stopped reporting for <see cref="Lease"/> (its process died) is taken over by another, which starts it again:
/// handlers make each step safe to repeat.
/// </summary>
public sealed partial class OperationRunner(IOperationStore store, IEnumerable<IOperationHandler> handlers, TimeProvider time, ILogger<OperationRunner> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, IOperationHandler> _handlers = handlers.ToDictionary(h => h.Type, StringComparer.Ordinal);

    /// <summary>This runner's name in the index: host and process, unique among replicas.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Runs operations until none is waiting; returns how many ran.</summary>
    public async Task<int> RunPendingAsync(CancellationToken cancellationToken)
    {
        int ran = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var operation = await store.LeaseOperationAsync(Owner, now, now - Lease, cancellationToken).ConfigureAwait(false);
            if (operation is null)
            {
                return ran;
            }
            ran++;
            await RunAsync(operation, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(OperationRecord operation, CancellationToken cancellationToken)
    {
        string status;
        string? results;
        if (!_handlers.TryGetValue(operation.Type, out var handler))
        {
            (status, results) = (OperationStatuses.Failed, null);
        }
        else
        {
            try
            {
                (status, results) = await handler.RunAsync(operation, new OperationContext(store, operation.Id, Owner, time), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another runner holds it now.
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, operation.Id, operation.Type, ex);
                (status, results) = (OperationStatuses.Failed, operation.Results);
            }
        }
        await store.FinishOperationAsync(operation.Id, Owner, status, results, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Operation {Id} ({Type}) failed")]
    private static partial void LogFailed(ILogger logger, string id, string type, Exception exception);
}
