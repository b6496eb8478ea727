using DicomWebArchive.Core;

namespace DicomWebArchive.Server.Hosting;

/// <summary>Section "DicomWeb": where the DICOMweb resources are served, and how much assembled metadata is kept in memory.</summary>
internal sealed class DicomWebOptions : IArchiveOptions
{
    public static string Section => "DicomWeb";

    /// <summary>Path under which the DICOMweb resources (/studies, ...) are served.</summary>
    public string BasePath { get; set; } = "/dicomweb";

    /// <summary>Bytes of assembled (compressed) metadata responses kept for repeated requests; 0 keeps none.</summary>
    public long MetadataCacheBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Responses larger than this are streamed as they are assembled and not kept.</summary>
    public int MetadataCacheEntryBytes { get; set; } = 16 * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (!BasePath.StartsWith('/') || BasePath.EndsWith('/') || BasePath.Contains("//", StringComparison.Ordinal))
        {
            yield return "DicomWeb:BasePath must start with '/' and not end with '/' (for example /dicomweb).";
        }
        if (MetadataCacheBytes < 0 || MetadataCacheEntryBytes < 0)
        {
            yield return "DicomWeb:MetadataCacheBytes and DicomWeb:MetadataCacheEntryBytes must not be negative.";
        }
    }
}

/// <summary>Section "Server": request limits. Uploads of multi-GB multi-frame instances must work by default.</summary>
internal sealed class ServerLimitsOptions : IArchiveOptions
{
    public static string Section => "Server";

    /// <summary>Largest request body in bytes; null or absent means no limit.</summary>
    public long? MaxRequestBodySize { get; set; }

    /// <summary>Slowest accepted upload in bytes per second after the grace period; 0 disables the check.</summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>Modality gateways on slow links get this long before the data rate is enforced.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsValid => (MaxRequestBodySize is null or > 0) && MinRequestBodyDataRate >= 0 && MinRequestBodyDataRateGracePeriod > TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (MaxRequestBodySize is <= 0)
        {
            yield return "Server:MaxRequestBodySize must be positive (omit it for no limit).";
        }
        if (MinRequestBodyDataRate < 0 || MinRequestBodyDataRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            yield return "Server:MinRequestBodyDataRate must not be negative and its grace period must exceed one second.";
        }
    }
}

/// <summary>Section "Cors": origins allowed to call the archive from a browser (a viewer served elsewhere).</summary>
internal sealed class CorsOptions : IArchiveOptions
{
    public static string Section => "Cors";

    /// <summary>Empty or "*": any origin.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (origin != "*" && !Uri.TryCreate(origin, UriKind.Absolute, out _))
            {
                yield return $"Cors:AllowedOrigins holds '{origin}', which is not an origin such as https://viewer.example.org.";
            }
        }
    }
}
