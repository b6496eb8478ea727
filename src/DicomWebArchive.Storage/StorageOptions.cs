using DicomWebArchive.Core;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DicomWebArchive.Storage;

/// <summary>Section "Storage": where the index and the blobs live, and how unreferenced blobs are swept.</summary>
public sealed class StorageOptions : IArchiveOptions
{
    public static string Section => "Storage";

    /// <summary>Root of the embedded defaults, relative to the current directory unless absolute.</summary>
    public string DataDirectory { get; set; } = "./data";

    public StorageIndexOptions Index { get; set; } = new();

    public StorageBlobOptions Blobs { get; set; } = new();

    public SweeperOptions Sweeper { get; set; } = new();

    internal string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>The configured provider, spelled as <see cref="StorageIndexOptions"/> spells it.</summary>
    internal string IndexProvider =>
        StorageIndexOptions.Providers.FirstOrDefault(p => string.Equals(p, Index.Provider, StringComparison.OrdinalIgnoreCase)) ?? Index.Provider;

    internal string IndexConnectionString =>
        string.IsNullOrWhiteSpace(Index.ConnectionString) ? $"Data Source={Path.Combine(FullDataDirectory, "index.db")}" : Index.ConnectionString;

    internal string HotRoot => FullPath(Blobs.HotRoot, Path.Combine(FullDataDirectory, "blobs", "hot"));

    internal string CoolRoot => FullPath(Blobs.CoolRoot, Path.Combine(FullDataDirectory, "blobs", "cool"));

    /// <summary>The cool root unless Storage:Blobs:ColdRoot names one.</summary>
    internal string ColdRoot => FullPath(Blobs.ColdRoot, CoolRoot);

    internal string? ArchiveRoot => string.IsNullOrWhiteSpace(Blobs.ArchiveRoot) ? null : FullPath(Blobs.ArchiveRoot, "");

    /// <summary>The configured blob provider, spelled as <see cref="StorageBlobOptions"/> spells it.</summary>
    internal string BlobProvider =>
        StorageBlobOptions.Providers.FirstOrDefault(p => string.Equals(p, Blobs.Provider, StringComparison.OrdinalIgnoreCase)) ?? Blobs.Provider;

    private static string FullPath(string? configured, string fallback) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? fallback : configured));

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Storage:DataDirectory must name a directory.";
            yield break;
        }
        if (IndexProviderProblem() is { } indexProblem)
        {
            yield return indexProblem;
        }
        if (BlobProvider == StorageBlobOptions.AzureProvider)
        {
            foreach (var problem in Blobs.Azure.Validate())
            {
                yield return problem;
            }
        }
        else if (BlobProvider != StorageBlobOptions.FileSystemProvider)
        {
            yield return $"Storage:Blobs:Provider '{Blobs.Provider}' is not supported; supported providers: {string.Join(", ", StorageBlobOptions.Providers)}.";
        }
        else if (PathProblem() is { } pathProblem)
        {
            yield return pathProblem;
        }
        if (Sweeper.GracePeriod <= TimeSpan.Zero)
        {
            yield return $"Storage:Sweeper:GracePeriod must be positive (it is {Sweeper.GracePeriod}).";
        }
        if (Sweeper.Interval <= TimeSpan.Zero)
        {
            yield return $"Storage:Sweeper:Interval must be positive (it is {Sweeper.Interval}).";
        }
    }

    // The parsers' messages name the keyword at fault, never a value: a password never reaches the log.
    private string? IndexProviderProblem()
    {
        var provider = StorageIndexOptions.Providers.FirstOrDefault(p => string.Equals(p, Index.Provider, StringComparison.OrdinalIgnoreCase));
        if (provider is null)
        {
            return $"Storage:Index:Provider '{Index.Provider}' is not supported; supported providers: {string.Join(", ", StorageIndexOptions.Providers)}.";
        }
        if (provider != StorageIndexOptions.Sqlite && string.IsNullOrWhiteSpace(Index.ConnectionString))
        {
            return $"Storage:Index:ConnectionString must name the database when Storage:Index:Provider is {provider} " +
                $"(for example {StorageIndexOptions.Example(provider)}).";
        }
        try
        {
            _ = provider switch
            {
                StorageIndexOptions.PostgreSql => (DbConnectionStringBuilder)new NpgsqlConnectionStringBuilder(IndexConnectionString),
                StorageIndexOptions.SqlServer => new SqlConnectionStringBuilder(IndexConnectionString),
                _ => new SqliteConnectionStringBuilder(IndexConnectionString),
            };
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return $"Storage:Index:ConnectionString is not a valid {StorageIndexOptions.DisplayName(provider)} connection string: {e.Message}";
        }
    }

    private string? PathProblem()
    {
        try
        {
            if (string.Equals(HotRoot, CoolRoot, StringComparison.Ordinal))
            {
                return $"Storage:Blobs:HotRoot and Storage:Blobs:CoolRoot must differ (both are '{HotRoot}').";
            }
            if (string.Equals(HotRoot, ColdRoot, StringComparison.Ordinal))
            {
                return $"Storage:Blobs:HotRoot and Storage:Blobs:ColdRoot must differ (both are '{HotRoot}').";
            }
            if (ArchiveRoot is { } archive && new[] { HotRoot, CoolRoot, ColdRoot }.Contains(archive, StringComparer.Ordinal))
            {
                return $"Storage:Blobs:ArchiveRoot must differ from the hot, cool and cold roots (it is '{archive}').";
            }
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"Storage paths are invalid: {e.Message}";
        }
    }
}

public sealed class StorageIndexOptions
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";
    public const string SqlServer = "SqlServer";

    internal static readonly string[] Providers = [Sqlite, PostgreSql, SqlServer];

    /// <summary>The database under the index: Sqlite (one machine), PostgreSql or SqlServer (shared by replicas).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>For Sqlite, defaults to <c>Data Source={DataDirectory}/index.db</c>; required for the others.</summary>
    public string? ConnectionString { get; set; }

    internal static string DisplayName(string provider) => provider switch
    {
        PostgreSql => "PostgreSQL",
        SqlServer => "SQL Server",
        _ => "SQLite",
    };

    internal static string Example(string provider) => provider == PostgreSql
        ? "Host=db;Database=dicom;Username=archive;Password=..."
        : "Server=db;Database=dicom;User ID=archive;Password=...;Encrypt=True";
}

public sealed class StorageBlobOptions
{
    public const string FileSystemProvider = "FileSystem";
    public const string AzureProvider = "Azure";

    internal static readonly string[] Providers = [FileSystemProvider, AzureProvider];

    /// <summary>Where blobs live: FileSystem (folders per tier) or Azure (Blob Storage, tiers by access tier).</summary>
    public string Provider { get; set; } = FileSystemProvider;

    /// <summary>Where new blobs land; defaults to {DataDirectory}/blobs/hot.</summary>
    public string? HotRoot { get; set; }

    /// <summary>Where the lifecycle policy moves older blobs; defaults to {DataDirectory}/blobs/cool.</summary>
    public string? CoolRoot { get; set; }

    /// <summary>The cold tier's folder; defaults to the cool root (cold is then a label the index keeps, on the same disk).</summary>
    public string? ColdRoot { get; set; }

    /// <summary>
    /// A folder treated as offline storage (standing in for tape or a cold object store): never read from, only copied
    /// back to hot on rehydration. Without it the filesystem store has no archive tier.
    /// </summary>
    public string? ArchiveRoot { get; set; }

    public AzureBlobOptions Azure { get; set; } = new();
}

/// <summary>
/// Section "Storage:Sweeper": removal of blobs no index row references (left by a crash between blob and index
/// commit), at start-up and then every interval.
/// </summary>
public sealed class SweeperOptions
{
    public bool Enabled { get; set; } = true;

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How old an unreferenced blob must be before it is removed: longer than any instance takes from its blob's last
    /// write to its index commit, so an instance being stored is never touched.
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromHours(1);
}
