using System.Diagnostics;
using System.Diagnostics.Metrics;
using DicomWebArchive.Core;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;
using Microsoft.AspNetCore.Http.Features;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// How long each archive operation takes and how many bytes it moves, on the archive's meter. The operation is the
/// endpoint's audit action (store, search, retrieve, metadata, frames, rendered…), so a new endpoint is measured as
/// soon as it is audited; requests to anything else (health, metrics, the OpenAPI document) are not.
/// </summary>
internal sealed class RequestMetrics(RequestDelegate next)
{
    private static readonly Histogram<double> Duration = ArchiveMetrics.Meter.CreateHistogram(
        "dicomweb.archive.request.duration", "s", "Requests, by operation and status code.", advice: ArchiveMetrics.DurationAdvice);

    private static readonly Counter<long> Received = ArchiveMetrics.Meter.CreateCounter<long>(
        "dicomweb.archive.received", "By", "Request body bytes read, by operation.");

    private static readonly Counter<long> Sent = ArchiveMetrics.Meter.CreateCounter<long>(
        "dicomweb.archive.sent", "By", "Response body bytes written, by operation.");

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AuditedAction>() is not { } audited || !Duration.Enabled)
        {
            await next(context);
            return;
        }

        long started = Stopwatch.GetTimestamp();
        var request = context.Request.Body;
        var requestBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true ? new CountingRequestBody(request) : null;
        if (requestBody is not null)
        {
            context.Request.Body = requestBody;
        }
        var response = context.Features.Get<IHttpResponseBodyFeature>()!;
        var responseBody = new CountingResponseBody(response);
        context.Features.Set<IHttpResponseBodyFeature>(responseBody);
        bool threw = false;
        try
        {
            await next(context);
        }
        catch
        {
            threw = true;
            throw;
        }
        finally
        {
            context.Features.Set(response);
            context.Request.Body = request;
            var operation = new KeyValuePair<string, object?>("operation", audited.Action);
            // An exception escaping here becomes a 500 further out, once this has finished.
            int status = threw ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operation, new KeyValuePair<string, object?>("status", status));
            Received.Add(requestBody?.BytesRead ?? 0, operation);
            Sent.Add(responseBody.Written, operation);
        }
    }
}
