namespace DicomWebArchive.Server.Hosting;

/// <summary>Section "DicomWeb".</summary>
internal sealed class DicomWebOptions
{
    public const string Section = "DicomWeb";

    /// <summary>Path under which the DICOMweb resources (/studies, ...) are served.</summary>
    public string BasePath { get; set; } = "/dicomweb";
}

/// <summary>Section "Server": request limits. Uploads of multi-GB multi-frame instances must work by default.</summary>
internal sealed class ServerLimitsOptions
{
    public const string Section = "Server";

    /// <summary>Largest request body in bytes; null or absent means no limit.</summary>
    public long? MaxRequestBodySize { get; set; }

    /// <summary>Slowest accepted upload in bytes per second after the grace period; 0 disables the check.</summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>Modality gateways on slow links get this long before the data rate is enforced.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Section "Sweeper": how often blobs no index row references (left by crashes) are removed. How old they must be
/// first is Storage:OrphanGracePeriod.
/// </summary>
internal sealed class SweeperOptions
{
    public const string Section = "Sweeper";

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    public bool Enabled { get; set; } = true;
}
