using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Creates the Azure container when the host starts. An account that does not answer then does not stop the process:
/// the error names the setting, /health/ready reports the blob store unhealthy, and creation is retried in the background.
/// </summary>
internal sealed partial class BlobStoreInitializer(AzureBlobStore store, ILogger<BlobStoreInitializer> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetry;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await store.EnsureContainerAsync(stoppingToken).ConfigureAwait(false);
                LogReady(logger, store.Description);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The exception's message names the store and the setting, never the account key.
                if (attempt == 1)
                {
                    LogUnavailable(logger, e.Message);
                }
                else
                {
                    LogStillUnavailable(logger, e.Message);
                }
            }
            try
            {
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob store ready: {Description}")]
    private static partial void LogReady(ILogger logger, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "The blob store could not be reached; the archive keeps trying in the background and is not ready until then: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob store is still unavailable: {Reason}")]
    private static partial void LogStillUnavailable(ILogger logger, string reason);
}
