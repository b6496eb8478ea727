using DicomWebArchive.Core;
using DicomWebArchive.Server.Security;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// Metrics and logs for operators. OpenTelemetry collects the archive's meter (<see cref="ArchiveMetrics"/>), ASP.NET
/// Core's and the runtime's; Prometheus scrapes them at /metrics; with OTEL_EXPORTER_OTLP_ENDPOINT set (environment,
/// appsettings or command line) metrics and logs are also pushed over OTLP. Request traces are not exported: their
/// paths carry UIDs.
/// </summary>
internal static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The standard OpenTelemetry variable; the OTLP exporter reads it, and its OTEL_EXPORTER_OTLP_* siblings, itself.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string ServiceName = "dicomweb-archive";

    public static WebApplicationBuilder AddArchiveTelemetry(this WebApplicationBuilder builder)
    {
        // JSON logs (Logging:Console:FormatterName=json) always carry scopes: the correlation id of a request is one.
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            if (json.TimestampFormat is null)
            {
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            }
        });

        bool otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(ServiceName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(ArchiveMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                // Scrapes are seconds apart: each one sees every count so far.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        if (otlp)
        {
            builder.Services.Configure<OpenTelemetryLoggerOptions>(logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// The Prometheus scrape endpoint. Its figures hold no patient data, but they tell how busy the archive is and which
    /// requests fail: with authentication on it takes a dicom.admin token (Prometheus: authorization credentials_file).
    /// It is not a DICOMweb operation and stays out of the OpenAPI document.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Scopes.Admin);
}
