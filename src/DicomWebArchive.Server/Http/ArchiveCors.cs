using DicomWebArchive.Server.Hosting;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// CORS for viewers served from another origin (OHIF): any origin unless Cors:AllowedOrigins lists some, the headers
/// DICOMweb clients send (Authorization: Bearer included), and the response headers they read.
/// </summary>
internal static class ArchiveCors
{
    public static IServiceCollection AddArchiveCors(this IServiceCollection services, IConfiguration configuration)
    {
        string[] origins = configuration.GetSection(CorsOptions.Section).Get<CorsOptions>()?.AllowedOrigins ?? [];
        services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length == 0 || origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }
            policy.WithMethods("GET", "POST", "PUT", "DELETE", "OPTIONS")
                .WithHeaders("Authorization", "Accept", "Content-Type", "Range", "If-None-Match", "X-Requested-With", ArchiveCallers.CorrelationHeader)
                .WithExposedHeaders("ETag", "Warning", "Content-Location", "Content-Range", "Content-Length", "Accept-Ranges")
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }
}
