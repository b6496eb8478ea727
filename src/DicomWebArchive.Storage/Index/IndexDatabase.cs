using System.Data.Common;

namespace DicomWebArchive.Storage.Index;

/// <summary>One database the index runs on: its dialect, how to open a ready connection and start a write.</summary>
internal abstract class IndexDatabase
{
    public abstract ISqlDialect Dialect { get; }

    /// <summary>An open connection with the session settings the index relies on.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that holds the write lock from its start, so concurrent writers queue instead of failing.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Database-wide settings made once before migrating.</summary>
    public virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;
}
