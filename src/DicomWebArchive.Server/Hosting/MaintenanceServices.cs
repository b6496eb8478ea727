using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Server.Management;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>Removes the blobs of deleted instances and replaced versions once Retention:PurgeDelay has passed, every Retention:PurgeInterval.</summary>
internal sealed partial class PurgeService(DeletionService deletion, IOptions<RetentionOptions> options, ILogger<PurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval);
        do
        {
            try
            {
                if (await deletion.PurgeAsync(stoppingToken) is > 0 and var purged)
                {
                    LogPurged(logger, purged);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPurgeFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purge removed {Count} blob(s) of deleted instances and replaced versions")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purge failed; it runs again at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

/// <summary>
/// This replica's operation runner: it takes waiting operations (bulk updates, verifications) from the index as soon as
/// this replica records one, and otherwise every few seconds, which is also how it takes over those of a replica that died.
/// </summary>
internal sealed partial class OperationRunnerService(OperationRunner runner, OperationSignal signal, ILogger<OperationRunnerService> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunPendingAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRunFailed(logger, ex);
            }
            await signal.WaitAsync(Poll, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Taking operations from the index failed; trying again shortly")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
