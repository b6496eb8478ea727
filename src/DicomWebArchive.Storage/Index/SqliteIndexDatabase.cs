using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// An SQLite file in WAL mode. synchronous=FULL makes a commit durable before the archive answers;
/// BEGIN IMMEDIATE takes the write lock up front, and the busy timeout lets writers queue for it.
/// temp_store=MEMORY keeps the statement journal of a group commit (one savepoint per instance) in memory: on disk it
/// is a temporary file created, written page by page and unlinked for every group, about 14 writes per instance.
/// </summary>
internal sealed class SqliteIndexDatabase : IndexDatabase
{
    private const int BusyTimeoutSeconds = 30;
    private readonly string _connectionString;

    public SqliteIndexDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutSeconds,
        };
        if (builder.Mode is SqliteOpenMode.ReadWriteCreate && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    public string DataSource { get; }

    public override string Description => $"SQLite index {DataSource}";

    public override ISqlDialect Dialect => SqliteDialect.Instance;

    public override bool WritesOneAtATime => true;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                $"PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000};", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    public override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var mode = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite index '{DataSource}' could not switch to WAL journal mode (it reports '{mode}').");
        }
    }
}
