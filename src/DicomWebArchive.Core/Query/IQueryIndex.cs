namespace DicomWebArchive.Core.Query;

/// <summary>Answers searches from the index.</summary>
public interface IQueryIndex
{
    /// <summary>
    /// One row per matching study, series or instance that <paramref name="access"/> allows, in a stable order, paged by
    /// the query's offset and limit. Columns are keyed by <see cref="QueryAttribute.Keyword"/> and always include the
    /// UIDs of the result's level and the levels above.
    /// </summary>
    Task<IReadOnlyList<QueryRow>> SearchAsync(SearchQuery query, StudyAccess access, CancellationToken cancellationToken);
}

/// <summary>
/// A search result: indexed columns (and the study's tier under <see cref="StudyTierColumn"/>), and the compressed DICOM
/// JSON of an instance when attributes outside the index were asked for.
/// </summary>
public sealed record QueryRow(IReadOnlyDictionary<string, object?> Columns, byte[]? Metadata)
{
    /// <summary>The column holding the tier of the result's study, as the index spells it (hot, cool, cold, archive).</summary>
    public const string StudyTierColumn = "StudyTier";

    /// <summary>ONLINE, or NEARLINE when the study is archived (its pixel data must be rehydrated before it is read).</summary>
    public string InstanceAvailability =>
        Columns.GetValueOrDefault(StudyTierColumn) is string tier && Blobs.BlobTiers.FromIndexValue(tier) == Blobs.BlobTier.Archive ? "NEARLINE" : "ONLINE";
}
