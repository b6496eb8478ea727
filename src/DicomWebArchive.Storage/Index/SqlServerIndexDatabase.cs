using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// SQL Server through Microsoft.Data.SqlClient, shared by every replica. Writes run at READ COMMITTED and take
/// transaction-owned application locks (sp_getapplock), released by COMMIT or ROLLBACK or when the session dies, on the
/// same names and for the same reasons as <see cref="PostgreSqlIndexDatabase"/>: the SOP Instance UID, each study
/// touched, and the change log from its sequence number to COMMIT, so numbers are handed out in commit order. Key-range
/// locks (SERIALIZABLE) would also keep the counts exact, but deadlock between writers of one study, which app locks
/// taken in one order do not.
/// </summary>
internal sealed class SqlServerIndexDatabase : IndexDatabase
{
    private const int DeadlockVictim = 1205;
    private const int LockTimeoutMilliseconds = 60_000;
    private readonly string _connectionString;

    public SqlServerIndexDatabase(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        _connectionString = builder.ConnectionString;
        Description = $"SQL Server index {builder.DataSource}/{builder.InitialCatalog}";
    }

    public override ISqlDialect Dialect => SqlServerDialect.Instance;

    public override string Description { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqlConnection(_connectionString);
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
        await ((SqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    // sp_getapplock answers a negative number instead of raising an error when it gives up: turn that into one.
    public override Task LockAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DECLARE @result INT; " +
            "EXEC @result = sp_getapplock @Resource = @Name, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @Timeout; " +
            "IF @result < 0 THROW 51000, 'The index lock could not be taken.', 1;",
            new { Name = name, Timeout = LockTimeoutMilliseconds }, transaction, cancellationToken: cancellationToken));

    // The deadlock victim, and the errors of a connection lost or of a database failing over (Azure SQL's documented list).
    public override bool IsTransient(Exception exception) =>
        exception is SqlException { Number: DeadlockVictim or 233 or 10053 or 10054 or 10060 or 40197 or 40501 or 40613 or 49918 or 49919 or 49920 };

    public override void DiscardIdleConnections()
    {
        using var pooled = new SqlConnection(_connectionString);
        SqlConnection.ClearPool(pooled);
    }
}
