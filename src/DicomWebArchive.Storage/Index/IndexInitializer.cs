using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Migrates the index schema when the host starts, before requests are served. A database that cannot be reached then
/// (a replica starting before its database, a network hiccup) does not stop the process: it keeps trying in the
/// background while /health/ready reports the index unhealthy, and becomes ready once a migration succeeds.
/// </summary>
internal sealed partial class IndexInitializer(SqlIndexStore index, ILogger<IndexInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retrying = Task.CompletedTask;
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryMigrateAsync(firstAttempt: true, cancellationToken).ConfigureAwait(false))
        {
            _retrying = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may dispose its services before stopping them; Dispose has stopped the retries then.
        if (!_disposed)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        await _retrying.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        var delay = FirstRetry;
        try
        {
            do
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
            }
            while (!await TryMigrateAsync(firstAttempt: false, cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Messages from the database drivers name hosts, databases and users, never the password; the connection string itself
    // is never logged.
    private async Task<bool> TryMigrateAsync(bool firstAttempt, CancellationToken cancellationToken)
    {
        try
        {
            await index.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var health = await index.GetHealthAsync(cancellationToken).ConfigureAwait(false);
            LogMigrated(logger, health.Description);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (firstAttempt)
            {
                LogUnavailable(logger, index.Description, e.Message, e);
            }
            else
            {
                LogStillUnavailable(logger, index.Description, e.Message);
            }
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Index ready: {Description}")]
    private static partial void LogMigrated(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "The index could not be reached or migrated ({Index}); check Storage:Index:Provider and " +
        "Storage:Index:ConnectionString. The archive keeps trying in the background and is not ready until then: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string index, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The index is still unavailable ({Index}, Storage:Index:ConnectionString): {Reason}")]
    private static partial void LogStillUnavailable(ILogger logger, string index, string reason);
}
