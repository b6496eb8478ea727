using DicomWebArchive.Core;
using Microsoft.Data.Sqlite;

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

    internal string IndexConnectionString =>
        string.IsNullOrWhiteSpace(Index.ConnectionString) ? $"Data Source={Path.Combine(FullDataDirectory, "index.db")}" : Index.ConnectionString;

    internal string HotRoot => FullPath(Blobs.HotRoot, Path.Combine(FullDataDirectory, "blobs", "hot"));

    internal string CoolRoot => FullPath(Blobs.CoolRoot, Path.Combine(FullDataDirectory, "blobs", "cool"));

    private static string FullPath(string? configured, string fallback) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? fallback : configured));

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Storage:DataDirectory must name a directory.";
            yield break;
        }
        if (!string.Equals(Index.Provider, StorageIndexOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Storage:Index:Provider '{Index.Provider}' is not supported; supported providers: {StorageIndexOptions.Sqlite}.";
        }
        else if (ConnectionStringProblem() is { } problem)
        {
            yield return $"Storage:Index:ConnectionString is not a valid SQLite connection string: {problem}";
        }
        if (PathProblem() is { } pathProblem)
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

    private string? ConnectionStringProblem()
    {
        try
        {
            _ = new SqliteConnectionStringBuilder(IndexConnectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    private string? PathProblem()
    {
        try
        {
            return string.Equals(HotRoot, CoolRoot, StringComparison.Ordinal)
                ? $"Storage:Blobs:HotRoot and Storage:Blobs:CoolRoot must differ (both are '{HotRoot}')."
                : null;
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
