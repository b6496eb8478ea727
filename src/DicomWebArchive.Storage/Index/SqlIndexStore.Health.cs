using System.Data.Common;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore
{
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => (await GetHealthAsync(cancellationToken).ConfigureAwait(false)).IsHealthy;

    /// <summary>
    /// Healthy when the database answers and holds the newest schema these binaries know. The description names the
    /// database (<see cref="IndexDatabase.Description"/>) and the setting to check, never the connection string.
    /// </summary>
    public async Task<IndexHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("health");
        var expected = IndexMigrator.LatestVersion(_database.Dialect);
        int? version;
        try
        {
            var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                version = await connection.ExecuteScalarAsync<int?>(
                    new CommandDefinition("SELECT MAX(version) FROM schema_version", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            return new IndexHealth(false, $"{Description} does not answer or has no schema yet (check Storage:Index:ConnectionString).");
        }

        // A newer schema is one a newer replica migrated to during a rolling upgrade: migrations only add, so this one still works.
        return version >= expected
            ? new IndexHealth(true, $"{Description}, schema version {version}.", version)
            : new IndexHealth(false, $"{Description} has schema version {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, these binaries need {expected}: migrations have not run.", version);
    }

    /// <summary>The database failed or could not be reached, as opposed to a bug or a cancelled request.</summary>
    public static bool IsDatabaseFailure(Exception exception) =>
        exception is DbException or TimeoutException or IOException or InvalidOperationException or System.Net.Sockets.SocketException;
}
