using System.Data.Common;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// One database the index runs on: its dialect, how to open a ready connection, start a write and serialize the writes
/// that must not interleave.
/// </summary>
internal abstract class IndexDatabase
{
    public abstract ISqlDialect Dialect { get; }

    /// <summary>Where the index lives, safe to log: never the password or other secrets of the connection string.</summary>
    public abstract string Description { get; }

    /// <summary>An open connection with the session settings the index relies on.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction for one write; see <see cref="LockAsync"/> for what keeps concurrent writes exact.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the named lock until <paramref name="transaction"/> ends, so writers of the same name queue. Names are
    /// taken in one order (instance, studies by UID, change log), which keeps writers from deadlocking on them.
    /// A database whose write transactions already exclude each other (SQLite) needs nothing more.
    /// </summary>
    public virtual Task LockAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A transaction that excludes every other migration, from any process, until it ends.</summary>
    public async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await LockAsync(connection, transaction, "dwa:migrations", cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A failure that running the write again can get past: a deadlock victim, a connection lost or refused. Only asked
    /// about failures before COMMIT, when the database has surely rolled the write back.
    /// </summary>
    public virtual bool IsTransient(Exception exception) => false;

    /// <summary>
    /// Runs a read on an open connection; when the database reports a transient failure (its server restarted or failed
    /// over, ending the sessions that sat in the pool), drops the idle connections and runs it once more on a fresh one.
    /// Reads change nothing, so running one again is safe.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    return await read(connection).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt == 1 && !cancellationToken.IsCancellationRequested && IsTransient(e))
                {
                    DiscardIdleConnections();
                }
            }
        }
    }

    /// <summary>Closes the pooled connections nobody is using: after a failover they are all dead.</summary>
    public virtual void DiscardIdleConnections()
    {
    }

    /// <summary>Whether the database takes one write transaction at a time (SQLite): the index then commits instances in groups.</summary>
    public virtual bool WritesOneAtATime => false;

    /// <summary>Database-wide settings made once before migrating.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The database for a configured provider (<see cref="StorageIndexOptions"/>).</summary>
    public static IndexDatabase Create(string provider, string connectionString) => provider.ToUpperInvariant() switch
    {
        "SQLITE" => new SqliteIndexDatabase(connectionString),
        "POSTGRESQL" => new PostgreSqlIndexDatabase(connectionString),
        "SQLSERVER" => new SqlServerIndexDatabase(connectionString),
        _ => throw new ArgumentException($"Storage:Index:Provider '{provider}' is not supported.", nameof(provider)),
    };
}
