using System.Buffers.Binary;
using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// PostgreSQL through Npgsql, shared by every replica. Writes run at READ COMMITTED, where each statement sees what
/// committed before it, and take transaction-scoped advisory locks (released by COMMIT or ROLLBACK, or when the
/// connection dies) rather than SERIALIZABLE, whose aborts on every overlap would make concurrent uploads of one
/// study retry constantly:
/// <list type="bullet">
/// <item>the SOP Instance UID: two writers of one instance cannot both see it missing and both insert it;</item>
/// <item>each study UID the write touches: the series upsert, the counts and the ModalitiesInStudy/SOPClassesInStudy
/// recomputed from the rows are done by one writer of a study at a time, so a recount sees every committed series;</item>
/// <item>the change log, from taking a sequence number to COMMIT: numbers are handed out in commit order, so a reader
/// that has paged to the highest sequence never sees a lower one appear later. This is the one lock all writers share,
/// held for the last few statements of a write only.</item>
/// </list>
/// </summary>
internal sealed class PostgreSqlIndexDatabase : IndexDatabase
{
    private const string DeadlockDetected = "40P01";
    private const string SerializationFailure = "40001";
    private const string AdminShutdown = "57P01";
    private const string CrashShutdown = "57P02";
    private const string CannotConnectNow = "57P03";
    /// <summary>Statements kept prepared per connection when the connection string does not say (Max Auto Prepare).</summary>
    internal const int DefaultMaxAutoPrepare = 64;

    private readonly string _connectionString;

    public PostgreSqlIndexDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // A search is one statement over a round trip; parsing and planning it again on every request costs as much as
        // running it. Npgsql prepares the statements a pooled connection runs repeatedly, and keeps them across requests.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }
        // A connection going back to the pool is reset by default: the next request's first statement is preceded by
        // RESET ALL, CLOSE ALL, UNLISTEN and more, run by the server on every search. The index keeps no session state
        // (its locks end with their transaction), so the reset only costs time.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        _connectionString = builder.ConnectionString;
        Description = $"PostgreSQL index {builder.Host}:{builder.Port}/{builder.Database}";
    }

    public override ISqlDialect Dialect => PostgreSqlDialect.Instance;

    public override string Description { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    public override Task LockAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@Key)", new { Key = LockKey(name) }, transaction, cancellationToken: cancellationToken));

    // Npgsql marks network failures transient; a session ended by the server (a restart, a failover) says so by its state.
    public override bool IsTransient(Exception exception) => exception switch
    {
        PostgresException e => e.SqlState is DeadlockDetected or SerializationFailure or AdminShutdown or CrashShutdown or CannotConnectNow || e.IsTransient,
        NpgsqlException e => e.IsTransient,
        _ => false,
    };

    public override void DiscardIdleConnections()
    {
        using var pooled = new NpgsqlConnection(_connectionString);
        NpgsqlConnection.ClearPool(pooled);
    }

    /// <summary>Advisory locks are named by a 64-bit number: the first 8 bytes of the name's SHA-256, the same in every process.</summary>
    internal static long LockKey(string name) => BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
}
