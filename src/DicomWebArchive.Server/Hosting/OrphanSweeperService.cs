using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Storage;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>Runs the orphan sweeper at start-up (after a crash is when orphans exist) and then every interval.</summary>
internal sealed partial class OrphanSweeperService(OrphanSweeper sweeper, IOptions<StorageOptions> options, ILogger<OrphanSweeperService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Sweeper;
        if (!settings.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            try
            {
                int removed = await sweeper.SweepAsync(stoppingToken);
                LogSwept(logger, removed);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orphan sweep removed {Count} unreferenced blob(s)")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Orphan sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
