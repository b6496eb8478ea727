using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DicomWebArchive.Server.Security;

/// <summary>The audit action of an endpoint; <see cref="ByEndpoint"/> when the endpoint writes its records itself (STOW, per instance).</summary>
internal sealed record AuditedAction(string Action, bool ByEndpoint = false);

/// <summary>
/// One audit record per request that touches patient data or configuration, and per refused authentication: who,
/// from where, the action, the study and patient the Core services noted, the status and the bytes sent. Reads fail
/// closed: while the audit trail cannot be written, they are answered 503 instead of served unrecorded.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditTrail trail, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var audited = context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>();
        if (audited is not null && !audited.ByEndpoint && !trail.IsWriting)
        {
            context.Response.Headers.RetryAfter = "5";
            await Problems.Of(StatusCodes.Status503ServiceUnavailable,
                "The audit trail cannot be written, so nothing is served unrecorded; try again shortly.").ExecuteAsync(context);
            return;
        }
        var started = time.GetUtcNow();
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        var counting = new CountingResponseBody(body);
        context.Features.Set<IHttpResponseBodyFeature>(counting);
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(body);
            int status = context.Response.StatusCode;
            string? action = status == StatusCodes.Status401Unauthorized ? AuditActions.AuthenticationFailure
                : audited is { ByEndpoint: false } || (audited is not null && status == StatusCodes.Status403Forbidden) ? audited.Action
                : null;
            if (action is not null && context.Features.Get<DicomWebArchive.Core.ArchiveCaller>() is { } caller)
            {
                var note = caller.Audit;
                var values = context.Request.RouteValues;
                trail.Record(AuditRecord.For(caller, action, started) with
                {
                    StudyInstanceUid = note.StudyInstanceUid ?? values["study"] as string,
                    SeriesInstanceUid = note.SeriesInstanceUid ?? values["series"] as string,
                    SopInstanceUid = note.SopInstanceUid ?? values["instance"] as string,
                    PatientId = note.PatientId,
                    Outcome = status < 400 ? AuditOutcomes.Success : $"refused: HTTP {status}",
                    Status = status,
                    Bytes = counting.Written,
                    Details = Describe(context.Request),
                });
            }
        }
    }

    /// <summary>The request as an auditor reads it: method, path and query (a link token in either is left out).</summary>
    private static string Describe(HttpRequest request)
    {
        string path = request.PathBase.Value?.Contains("/links/", StringComparison.Ordinal) == true ? "/links/…" + request.Path : request.PathBase + request.Path;
        var query = string.Join('&', request.Query.Where(q => !q.Key.Equals("token", StringComparison.OrdinalIgnoreCase)).Select(q => $"{q.Key}={q.Value}"));
        string text = $"{request.Method} {path}{(query.Length > 0 ? "?" + query : "")}";
        return text.Length <= 1000 ? text : text[..1000] + "…";
    }
}

/// <summary>Writes pending audit records every fraction of a second, and all of them when the server stops.</summary>
internal sealed class AuditFlushService(AuditTrail trail) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await trail.FlushAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await trail.FlushAsync(CancellationToken.None);
    }
}
