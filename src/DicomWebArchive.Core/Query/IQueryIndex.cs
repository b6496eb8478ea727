namespace DicomWebArchive.Core.Query;

/// <summary>Answers QIDO searches from the index.</summary>
public interface IQueryIndex
{
    /// <summary>
    /// One row per matching study, series or instance, in a stable order, paged by the query's offset and limit.
    /// Columns are keyed by <see cref="QueryAttribute.Keyword"/> and always include the UIDs of the result's level and the levels above.
    /// </summary>
    Task<IReadOnlyList<QueryRow>> SearchAsync(QidoQuery query, CancellationToken cancellationToken);
}

/// <summary>A search result: indexed columns, and the compressed DICOM JSON of an instance when attributes outside the index were asked for.</summary>
public sealed record QueryRow(IReadOnlyDictionary<string, object?> Columns, byte[]? Metadata);
