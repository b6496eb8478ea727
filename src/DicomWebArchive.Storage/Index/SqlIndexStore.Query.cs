using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore : IQueryIndex
{
    public async Task<IReadOnlyList<QueryRow>> SearchAsync(SearchQuery query, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("search");
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(access);
        var withMetadata = query.NeedsStoredMetadata;
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var rareModalities = false;
            if (QidoSql.RareModalityProbe(query, _database.Dialect) is var (probe, probeParameters))
            {
                var series = await connection.ExecuteScalarAsync<long>(new CommandDefinition(probe, probeParameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
                rareModalities = series < QidoSql.RareModalitySeries;
            }
            var (sql, parameters) = QidoSql.Build(query, access, _database.Dialect, rareModalities);
            var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var results = new List<QueryRow>();
            foreach (IDictionary<string, object?> row in rows)
            {
                var metadata = withMetadata && row.TryGetValue("Metadata", out var value) ? value as byte[] : null;
                results.Add(new QueryRow(row.AsReadOnly(), metadata));
            }
            return results;
        }
    }
}
