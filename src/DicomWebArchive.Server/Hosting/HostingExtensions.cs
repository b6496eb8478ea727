using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DicomWebArchive.Server.Hosting;

internal static class HostingExtensions
{
    public static WebApplicationBuilder AddServerOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DicomWebOptions>()
            .BindConfiguration(DicomWebOptions.Section)
            .Validate(o => o.BasePath.StartsWith('/') && !o.BasePath.EndsWith('/') && !o.BasePath.Contains("//", StringComparison.Ordinal),
                "DicomWeb:BasePath must start with '/' and not end with '/' (for example /dicomweb).")
            .ValidateOnStart();
        builder.Services.AddOptions<ServerLimitsOptions>()
            .BindConfiguration(ServerLimitsOptions.Section)
            .Validate(o => o.MaxRequestBodySize is null or > 0, "Server:MaxRequestBodySize must be positive (omit it for no limit).")
            .Validate(o => o.MinRequestBodyDataRate >= 0 && o.MinRequestBodyDataRateGracePeriod > TimeSpan.FromSeconds(1),
                "Server:MinRequestBodyDataRate must not be negative and its grace period must exceed one second.")
            .ValidateOnStart();
        builder.Services.AddOptions<SweeperOptions>()
            .BindConfiguration(SweeperOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero, "Sweeper:Interval must be positive.")
            .ValidateOnStart();

        // Kestrel reads its limits before options validation runs: invalid values are skipped here so that validation
        // reports them by name instead of Kestrel throwing first.
        var limits = builder.Configuration.GetSection(ServerLimitsOptions.Section).Get<ServerLimitsOptions>() ?? new ServerLimitsOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (limits.MaxRequestBodySize is null or > 0)
            {
                kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodySize;
            }
            if (limits.MinRequestBodyDataRate == 0)
            {
                kestrel.Limits.MinRequestBodyDataRate = null;
            }
            else if (limits.MinRequestBodyDataRate > 0 && limits.MinRequestBodyDataRateGracePeriod > TimeSpan.FromSeconds(1))
            {
                kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyDataRate, limits.MinRequestBodyDataRateGracePeriod);
            }
        });
        return builder;
    }

    /// <summary>The DICOMweb base path from configuration, checked the same way as at start-up.</summary>
    public static string DicomWebBasePath(this IConfiguration configuration) =>
        configuration.GetSection(DicomWebOptions.Section).Get<DicomWebOptions>()?.BasePath ?? new DicomWebOptions().BasePath;
}
