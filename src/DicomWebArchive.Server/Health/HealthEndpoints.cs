using System.Text.Json;
using DicomWebArchive.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DicomWebArchive.Server.Health;

/// <summary>
/// /health/live: the process answers. /health/ready: the index (with its schema version) and the blob store answer too,
/// as a small JSON document an operator can read: <c>{"status":"Healthy","checks":{"index":{"status":…,"description":…}}}</c>.
/// </summary>
internal static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddArchiveHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<IndexHealthCheck>("index", tags: [ReadyTag])
            .AddCheck<BlobStoreHealthCheck>("blobs", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        endpoints.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteReportAsync })
            .WithTags("Health");
        return endpoints;
    }

    private static async Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                json.WriteString("description", description);
            }
            foreach (var (key, value) in entry.Data)
            {
                json.WritePropertyName(key);
                JsonSerializer.Serialize(json, value);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private sealed class IndexHealthCheck(ArchiveHealth health) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var index = await health.GetIndexHealthAsync(cancellationToken);
            var data = index.SchemaVersion is { } version ? new Dictionary<string, object> { ["schemaVersion"] = version } : null;
            return index.IsHealthy ? HealthCheckResult.Healthy(index.Description, data) : HealthCheckResult.Unhealthy(index.Description, data: data);
        }
    }

    private sealed class BlobStoreHealthCheck(ArchiveHealth health) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var blobs = await health.GetBlobStoreHealthAsync(cancellationToken);
            return blobs.IsHealthy ? HealthCheckResult.Healthy(blobs.Description) : HealthCheckResult.Unhealthy(blobs.Description);
        }
    }
}
