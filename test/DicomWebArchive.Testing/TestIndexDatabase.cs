using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DicomWebArchive.Testing;

/// <summary>
/// The databases the index's integration suite runs on, as NUnit fixture arguments
/// (<c>[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]</c>): SQLite always; PostgreSQL where
/// DWA_TEST_POSTGRES and SQL Server where DWA_TEST_SQLSERVER hold a connection string to a server on which the tests may
/// create and drop databases. A provider without one, or whose server does not answer, is ignored with the reason:
/// reported as skipped, never as passed.
/// </summary>
public static class IndexProviders
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";
    public const string SqlServer = "SqlServer";

    public static IEnumerable<TestFixtureData> All => [new(Sqlite), new(PostgreSql), new(SqlServer)];

    /// <summary>The databases replicas can share (not SQLite).</summary>
    public static IEnumerable<TestFixtureData> Shared => [new(PostgreSql), new(SqlServer)];

    /// <summary>The variable that names a server for <paramref name="provider"/>; null for SQLite, which needs none.</summary>
    public static string? Variable(string provider) => provider switch
    {
        PostgreSql => "DWA_TEST_POSTGRES",
        SqlServer => "DWA_TEST_SQLSERVER",
        _ => null,
    };
}

/// <summary>A fresh, empty index database for one fixture or test, dropped (or deleted) on dispose.</summary>
public sealed class TestIndexDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;
    private readonly string? _name;
    private readonly TempDirectory? _temp;

    private TestIndexDatabase(string provider, string connectionString, string? adminConnectionString, string? name, TempDirectory? temp)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _name = name;
        _temp = temp;
    }

    /// <summary>Sqlite, PostgreSql or SqlServer: the value of Storage:Index:Provider.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The server settings that point an archive at this database.</summary>
    public (string Key, string Value)[] Settings => [("Storage:Index:Provider", Provider), ("Storage:Index:ConnectionString", ConnectionString)];

    /// <summary>The same as command-line arguments of the server process.</summary>
    public string[] Arguments => [.. Settings.Select(s => $"--{s.Key}={s.Value}")];

    public override string ToString() => Provider;

    /// <summary>Creates the database; ignores the calling test when the provider's server is not configured or does not answer.</summary>
    public static Task<TestIndexDatabase> CreateAsync(string provider) => CreateAsync(provider, create: true);

    /// <summary>
    /// A database server that answers but has no database of this name yet (<see cref="CreateDatabaseAsync"/> makes it):
    /// an archive started against it cannot migrate until then. Not for SQLite, which creates its file itself.
    /// </summary>
    public static Task<TestIndexDatabase> ReserveAsync(string provider) => CreateAsync(provider, create: false);

    public Task CreateDatabaseAsync() => ExecuteOnServerAsync(Provider == IndexProviders.PostgreSql ? $"CREATE DATABASE \"{_name}\"" : $"CREATE DATABASE [{_name}]");

    private static async Task<TestIndexDatabase> CreateAsync(string provider, bool create)
    {
        if (provider == IndexProviders.Sqlite)
        {
            var temp = new TempDirectory("dwa-index-");
            return new TestIndexDatabase(provider, $"Data Source={temp.Combine("index.db")}", null, null, temp);
        }

        var variable = IndexProviders.Variable(provider) ?? throw new ArgumentException($"Unknown index provider '{provider}'.", nameof(provider));
        var admin = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.Ignore($"{provider}: {variable} names no server to test against (test/run.sh starts a PostgreSQL; no SQL Server can run here).");
        }

        var name = "dwa_test_" + Guid.NewGuid().ToString("N")[..16];
        string connectionString = provider == IndexProviders.PostgreSql
            ? new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString
            : new SqlConnectionStringBuilder(admin) { InitialCatalog = name }.ConnectionString;
        var database = new TestIndexDatabase(provider, connectionString, admin, name, null);
        try
        {
            await database.ExecuteOnServerAsync(create ? (provider == IndexProviders.PostgreSql ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE [{name}]") : "SELECT 1");
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            Assert.Ignore($"{provider}: the server {variable} names does not answer: {e.Message}");
        }
        return database;
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = Connect(Provider, _adminConnectionString!);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>An open connection to the database, for looking at its rows directly.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        var connection = Connect(Provider, ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public DbConnection Open()
    {
        var connection = Connect(Provider, ConnectionString);
        connection.Open();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_temp is not null)
        {
            SqliteConnection.ClearAllPools();
            _temp.Dispose();
            return;
        }

        if (Provider == IndexProviders.PostgreSql)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
        }
        else
        {
            SqlConnection.ClearAllPools();
            await ExecuteOnServerAsync($"IF DB_ID(N'{_name}') IS NOT NULL BEGIN ALTER DATABASE [{_name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_name}] END");
        }
    }

    private static DbConnection Connect(string provider, string connectionString) => provider switch
    {
        IndexProviders.PostgreSql => new NpgsqlConnection(connectionString),
        IndexProviders.SqlServer => new SqlConnection(connectionString),
        _ => new SqliteConnection(connectionString),
    };
}
