using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Storage.Index;

public sealed partial class SqlIndexStore : IQueryIndex
{
    /// <summary>How long a modality's "rare or common" answer is reused before it is counted again.</summary>
    internal static readonly TimeSpan ModalityRarityLifetime = TimeSpan.FromMinutes(1);
    private const int ModalityRarityEntries = 1000;

    /// <summary>
    /// Whether the modalities of a search are rare, by the modalities' names. It only picks the shape of the search
    /// (either shape finds the same studies), so an answer a minute old, or another replica's writes since, cost at most
    /// a slower plan, never a wrong result; and a search on a modality costs one round trip to the database, not two.
    /// </summary>
    private readonly ConcurrentDictionary<string, (bool Rare, DateTimeOffset CountedAt)> _modalityRarity = new(StringComparer.Ordinal);

    /// <summary>The remembered answer for modalities as a search names them (joined by '\\'), for tests.</summary>
    internal (bool Rare, DateTimeOffset CountedAt)? ModalityRarity(string modalities) =>
        _modalityRarity.TryGetValue(modalities, out var known) ? known : null;

    internal int ModalityRarityEntriesKept => _modalityRarity.Count;

    public async Task<IReadOnlyList<QueryRow>> SearchAsync(SearchQuery query, StudyAccess access, CancellationToken cancellationToken)
    {
        using var timing = ArchiveMetrics.TimeIndex("search");
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(access);
        var withMetadata = query.NeedsStoredMetadata;
        return await _database.ReadAsync<IReadOnlyList<QueryRow>>(async connection =>
        {
            var rareModalities = await AreModalitiesRareAsync(connection, query, cancellationToken).ConfigureAwait(false);
            var (sql, parameters) = QidoSql.Build(query, access, _database.Dialect, rareModalities);
            var rows = await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var results = new List<QueryRow>();
            foreach (IDictionary<string, object?> row in rows)
            {
                var metadata = withMetadata && row.TryGetValue("Metadata", out var value) ? value as byte[] : null;
                results.Add(new QueryRow(row.AsReadOnly(), metadata));
            }
            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> AreModalitiesRareAsync(DbConnection connection, SearchQuery query, CancellationToken cancellationToken)
    {
        if (QidoSql.ModalitiesMatched(query) is not { } modalities)
        {
            return false;
        }
        var key = string.Join('\\', modalities);
        var now = _time.GetUtcNow();
        if (_modalityRarity.TryGetValue(key, out var known) && now - known.CountedAt < ModalityRarityLifetime)
        {
            return known.Rare;
        }
        var (probe, parameters) = QidoSql.RareModalityProbe(query, _database.Dialect)!.Value;
        var series = await connection.ExecuteScalarAsync<long>(new CommandDefinition(probe, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rare = series < QidoSql.RareModalitySeries;
        // Searches name few modalities; a client inventing new lists on every request empties the cache, it does not grow it.
        if (_modalityRarity.Count >= ModalityRarityEntries)
        {
            _modalityRarity.Clear();
        }
        _modalityRarity[key] = (rare, now);
        return rare;
    }
}
