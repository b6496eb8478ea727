using System.Threading.RateLimiting;
using DicomWebArchive.Core;
using Microsoft.AspNetCore.RateLimiting;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// Section "Server:RateLimit": requests per second each client (its token's subject, else its address) may make, with a
/// burst allowance. A flood from one client is answered 429 with Retry-After and does not slow the others. OHIF opening
/// a study fetches hundreds of frames at once: the defaults leave room for that.
/// </summary>
internal sealed class RateLimitOptions : IArchiveOptions
{
    public static string Section => "Server:RateLimit";

    /// <summary>Sustained requests per second per client; 0 turns the limiter off.</summary>
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests a client may make at once above the sustained rate.</summary>
    public int Burst { get; set; } = 5000;

    public IEnumerable<string> Validate()
    {
        if (RequestsPerSecond < 0 || Burst < 1)
        {
            yield return "Server:RateLimit:RequestsPerSecond must not be negative and Server:RateLimit:Burst must be at least 1.";
        }
    }
}

internal static class Hardening
{
    public static IServiceCollection AddArchiveHardening(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddArchiveOptions<RateLimitOptions>();
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
            if (limits.RequestsPerSecond > 0)
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
                    ClientOf(context),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.Burst,
                        TokensPerPeriod = limits.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            }
        });
        return services;
    }

    /// <summary>
    /// Headers every answer carries: no content sniffing, no framing by other sites, no referrer leaking study UIDs in
    /// URLs to other sites.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "SAMEORIGIN";
        return next(context);
    });

    private static string ClientOf(HttpContext context) =>
        context.User.FindFirst("sub")?.Value is { } subject ? "sub:" + subject
        : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
