using System.Security.Claims;
using DicomWebArchive.Core;

namespace DicomWebArchive.Server.Hosting;

/// <summary>Which studies the user of a request may see.</summary>
internal interface IStudyAccessPolicy
{
    StudyAccess For(HttpContext context);
}

/// <summary>
/// Makes the <see cref="ArchiveCaller"/> of each request once, before any endpoint runs, from the authenticated user,
/// the connection and the access policy; endpoints pass it to every Core operation.
/// </summary>
internal static class ArchiveCallers
{
    /// <summary>A request's own correlation id, when the client (a gateway, a load balancer) sends one.</summary>
    public const string CorrelationHeader = "X-Correlation-ID";

    private static readonly Func<ILogger, string, IDisposable?> CorrelationScope = LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    /// <summary>
    /// Opens a logging scope with the request's correlation id around everything after it, so every log line of the
    /// request carries it (JSON logs list it under Scopes). It goes first, before the exception handler, so that the
    /// line of an unhandled exception carries it too.
    /// </summary>
    public static IApplicationBuilder UseCorrelationScope(this IApplicationBuilder app) => app.UseMiddleware<ScopeMiddleware>();

    public static IApplicationBuilder UseArchiveCaller(this IApplicationBuilder app) => app.UseMiddleware<Middleware>();

    /// <summary>The caller of this request, made by <see cref="UseArchiveCaller"/>.</summary>
    public static ArchiveCaller Caller(this HttpContext context) =>
        context.Features.Get<ArchiveCaller>() ?? throw new InvalidOperationException("The archive caller is made by UseArchiveCaller, which must run first.");

    private sealed class Middleware(RequestDelegate next, IStudyAccessPolicy policy)
    {
        public Task InvokeAsync(HttpContext context)
        {
            context.Features.Set(Create(context, policy.For(context)));
            return next(context);
        }
    }

    private sealed class ScopeMiddleware(RequestDelegate next, ILogger<ScopeMiddleware> logger)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            using (CorrelationScope(logger, CorrelationId(context)))
            {
                await next(context);
            }
        }
    }

    /// <summary>The client's X-Correlation-ID when it is a plausible id (it reaches logs and audit records), else the trace identifier.</summary>
    private static string CorrelationId(HttpContext context) =>
        context.Request.Headers[CorrelationHeader] is [{ Length: > 0 and <= 128 } sent] && sent.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? sent
            : context.TraceIdentifier;

    private static ArchiveCaller Create(HttpContext context, StudyAccess access)
    {
        var user = context.User;
        string correlation = CorrelationId(context);
        return new ArchiveCaller
        {
            Subject = user.Identity?.IsAuthenticated == true ? user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) : null,
            Name = user.Identity?.IsAuthenticated == true ? user.FindFirstValue("name") ?? user.Identity.Name : null,
            ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
            CorrelationId = correlation,
            Access = access,
        };
    }
}
