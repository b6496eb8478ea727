using System.Text.RegularExpressions;

namespace DicomWebArchive.Storage;

/// <summary>
/// Section "Storage:Blobs:Azure": the account (a connection string, or a service URI signed in with
/// DefaultAzureCredential), the container, upload block size and the SDK's retry policy.
/// </summary>
public sealed partial class AzureBlobOptions
{
    /// <summary>An account connection string (Azurite's included); the account key in it is never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account's blob endpoint, e.g. https://account.blob.core.windows.net, signed in with DefaultAzureCredential.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>Created when missing.</summary>
    public string Container { get; set; } = "dicom";

    /// <summary>Bytes per staged block: what one upload holds in memory at most.</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Retries of a failed or throttled request (503, 429, timeouts), with exponential back-off.</summary>
    public int MaxRetries { get; set; } = 5;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request may take before it is retried.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Rehydration from archive: High (usually under an hour) or Standard (up to 15 hours, cheaper).</summary>
    public string RehydratePriority { get; set; } = "High";

    internal IEnumerable<string> Validate()
    {
        bool hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        if (hasConnectionString == (ServiceUri is not null))
        {
            yield return "Storage:Blobs:Azure needs exactly one of ConnectionString (an account connection string) and ServiceUri " +
                "(https://account.blob.core.windows.net, signed in with DefaultAzureCredential) when Storage:Blobs:Provider is Azure.";
        }
        if (ServiceUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            yield return "Storage:Blobs:Azure:ServiceUri must be an absolute https URL such as https://account.blob.core.windows.net.";
        }
        if (hasConnectionString && ConnectionStringProblem() is { } problem)
        {
            yield return problem;
        }
        if (!ContainerName().IsMatch(Container ?? ""))
        {
            yield return $"Storage:Blobs:Azure:Container '{Container}' is not a container name: 3 to 63 lower-case letters, digits and single hyphens.";
        }
        if (BlockSize is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            yield return $"Storage:Blobs:Azure:BlockSize must be from 65536 to 104857600 bytes (it is {BlockSize}).";
        }
        if (MaxRetries is < 0 or > 20)
        {
            yield return $"Storage:Blobs:Azure:MaxRetries must be from 0 to 20 (it is {MaxRetries}).";
        }
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || NetworkTimeout <= TimeSpan.Zero)
        {
            yield return "Storage:Blobs:Azure:RetryDelay and NetworkTimeout must be positive, and MaxRetryDelay at least RetryDelay.";
        }
        if (!string.Equals(RehydratePriority, "High", StringComparison.OrdinalIgnoreCase) && !string.Equals(RehydratePriority, "Standard", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Storage:Blobs:Azure:RehydratePriority must be High or Standard (it is '{RehydratePriority}').";
        }
    }

    // The parser's message would not name a value, but say nothing of the string's content all the same.
    private string? ConnectionStringProblem()
    {
        try
        {
            _ = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = ConnectionString };
            return ConnectionString!.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase) || ConnectionString.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
                ? null
                : "Storage:Blobs:Azure:ConnectionString names no account (AccountName=… or BlobEndpoint=…).";
        }
        catch (ArgumentException)
        {
            return "Storage:Blobs:Azure:ConnectionString is not a connection string (Key=Value pairs separated by semicolons).";
        }
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
