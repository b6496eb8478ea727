using DicomWebArchive.Core;
using DicomWebArchive.Server.Qido;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DicomWebArchive.Server.Hosting;

internal static class HostingExtensions
{
    public const string DefaultUrls = "http://localhost:8080";

    /// <summary>The server's own settings, validated at start-up like every other section, and Kestrel's limits from them.</summary>
    public static WebApplicationBuilder AddServerOptions(this WebApplicationBuilder builder)
    {
        // Loopback unless told otherwise. Set here rather than in appsettings.json, whose Urls would override the
        // ASPNETCORE_URLS variable a container sets.
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
        builder.Services.AddArchiveOptions<DicomWebOptions>();
        builder.Services.AddArchiveOptions<ServerLimitsOptions>();
        builder.Services.AddArchiveOptions<CorsOptions>();
        builder.Services.AddArchiveOptions<QidoOptions>();
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();

        // Kestrel reads its limits before options validation runs: invalid values are skipped here so that validation
        // reports them by name instead of Kestrel throwing first.
        var limits = builder.Configuration.GetSection(ServerLimitsOptions.Section).Get<ServerLimitsOptions>() ?? new ServerLimitsOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (!limits.IsValid)
            {
                return;
            }
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodySize;
            kestrel.Limits.MinRequestBodyDataRate = limits.MinRequestBodyDataRate == 0
                ? null
                : new MinDataRate(limits.MinRequestBodyDataRate, limits.MinRequestBodyDataRateGracePeriod);
        });
        return builder;
    }

    /// <summary>The DICOMweb base path from configuration, read before the host is built (routes are mapped from it).</summary>
    public static string DicomWebBasePath(this IConfiguration configuration) =>
        configuration.GetSection(DicomWebOptions.Section).Get<DicomWebOptions>()?.BasePath ?? new DicomWebOptions().BasePath;
}
