using System.Net;

namespace DicomWebArchive.Cli.Common;

/// <summary>
/// Sends a request again after a transient failure, waiting longer each time. Only for requests that are safe to
/// repeat: reads, and STOW of the same bytes (storing identical bytes again is a success, not a duplicate).
/// </summary>
internal static class Retry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);

    /// <param name="create">Makes a fresh request for each attempt (a content can be sent only once).</param>
    /// <param name="failed">Called after a failed attempt, before waiting.</param>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, Func<HttpRequestMessage> create, HttpCompletionOption completion, int retries, Action? failed, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            HttpResponseMessage? response = null;
            try
            {
                using var request = create();
                response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
                if (!IsTransient(response.StatusCode) || attempt >= retries)
                {
                    return response;
                }
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken) && attempt < retries)
            {
            }
            failed?.Invoke();
            var delay = Delay(attempt, response);
            response?.Dispose();
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    public static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Connection refused or reset, a response cut short, or a timeout that the user did not ask for.</summary>
    public static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HttpRequestException or IOException => true,
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static TimeSpan Delay(int attempt, HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date - DateTimeOffset.UtcNow) ?? TimeSpan.Zero;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromMinutes(2) ? TimeSpan.FromMinutes(2) : wait;
        }
        double backoff = Math.Min(LongestDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, attempt));
        // Jitter keeps parallel connections that failed together from coming back together.
        return TimeSpan.FromMilliseconds(backoff * (0.75 + (Random.Shared.NextDouble() / 2)));
    }
}
