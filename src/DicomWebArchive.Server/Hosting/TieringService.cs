using DicomWebArchive.Core;
using DicomWebArchive.Core.Tiers;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// Carries out recorded tier moves in the background — at start-up first, which resumes moves a crash interrupted — and
/// runs the lifecycle policy every interval. Woken at once when a request starts a move (an archive, a rehydration).
/// </summary>
internal sealed partial class TieringService(TierMover mover, LifecyclePolicy lifecycle, ArchiveHealth health, IOptions<LifecycleOptions> options,
    TimeProvider time, ILogger<TieringService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var nextLifecycle = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Until the index answers with its schema there is nothing to read moves from; the readiness check says so.
            if (await health.IsIndexHealthyAsync(stoppingToken))
            {
                try
                {
                    if (settings.Enabled && time.GetUtcNow() >= nextLifecycle)
                    {
                        nextLifecycle = time.GetUtcNow() + settings.Interval;
                        await lifecycle.RunAsync(stoppingToken);
                    }
                    await mover.RunPendingAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            }
            try
            {
                await mover.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier moves or the lifecycle policy failed; they are tried again at the next poll")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
