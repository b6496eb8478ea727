namespace DicomWebArchive.Core.Query;

/// <summary>Searches for studies, series and instances the caller may see.</summary>
public sealed class SearchService(IQueryIndex index)
{
    public async Task<SearchResult> SearchAsync(ArchiveCaller caller, SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        // One row more than asked tells whether results were cut.
        var rows = await index.SearchAsync(query with { Limit = query.Limit + 1 }, caller.Access, cancellationToken).ConfigureAwait(false);
        if (query.StudyInstanceUid is { } study)
        {
            caller.Audit.Touched(study, query.SeriesInstanceUid, null, null, 0);
        }
        return rows.Count > query.Limit ? new SearchResult([.. rows.Take(query.Limit)], HasMore: true) : new SearchResult(rows, HasMore: false);
    }
}

/// <summary>A page of results, and whether more match than the page holds.</summary>
public sealed record SearchResult(IReadOnlyList<QueryRow> Rows, bool HasMore);
