using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Storage;

/// <summary>Configuration section "Storage": where the index and the blobs live.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Root of the embedded defaults, relative to the current directory unless absolute.</summary>
    public string DataDirectory { get; set; } = "./data";

    public StorageIndexOptions Index { get; set; } = new();

    public StorageBlobOptions Blobs { get; set; } = new();

    /// <summary>How old an unreferenced blob must be before the sweeper deletes it.</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(1);

    internal string FullDataDirectory => Path.GetFullPath(DataDirectory);

    internal string IndexConnectionString =>
        string.IsNullOrWhiteSpace(Index.ConnectionString) ? $"Data Source={Path.Combine(FullDataDirectory, "index.db")}" : Index.ConnectionString;

    internal string HotRoot => FullPath(Blobs.HotRoot, Path.Combine(FullDataDirectory, "blobs", "hot"));

    internal string CoolRoot => FullPath(Blobs.CoolRoot, Path.Combine(FullDataDirectory, "blobs", "cool"));

    private static string FullPath(string? configured, string fallback) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? fallback : configured));
}

public sealed class StorageIndexOptions
{
    public const string Sqlite = "Sqlite";

    /// <summary>The database under the index; only "Sqlite" for now.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Defaults to <c>Data Source={DataDirectory}/index.db</c>.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class StorageBlobOptions
{
    /// <summary>Where new blobs land; defaults to {DataDirectory}/blobs/hot.</summary>
    public string? HotRoot { get; set; }

    /// <summary>Where the lifecycle policy moves older blobs; defaults to {DataDirectory}/blobs/cool.</summary>
    public string? CoolRoot { get; set; }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Storage:DataDirectory must name a directory.");
        }

        if (!string.Equals(options.Index.Provider, StorageIndexOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Storage:Index:Provider '{options.Index.Provider}' is not supported; supported providers: {StorageIndexOptions.Sqlite}.");
        }

        if (options.OrphanGracePeriod <= TimeSpan.Zero)
        {
            failures.Add($"Storage:OrphanGracePeriod must be positive (it is {options.OrphanGracePeriod}).");
        }

        if (failures.Count == 0)
        {
            try
            {
                _ = new SqliteConnectionStringBuilder(options.IndexConnectionString);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                failures.Add($"Storage:Index:ConnectionString is not a valid SQLite connection string: {e.Message}");
            }

            try
            {
                if (string.Equals(options.HotRoot, options.CoolRoot, StringComparison.Ordinal))
                {
                    failures.Add($"Storage:Blobs:HotRoot and Storage:Blobs:CoolRoot must differ (both are '{options.HotRoot}').");
                }
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                failures.Add($"Storage paths are invalid: {e.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
