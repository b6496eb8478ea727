using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Query;

/// <summary>A search of the index (QIDO-RS, and a C-FIND on the same rules): what to match, what to return, which page.</summary>
public sealed record SearchQuery
{
    public required QueryLevel Level { get; init; }

    /// <summary>Set when the search is within one study.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>Set when the search is within one series.</summary>
    public string? SeriesInstanceUid { get; init; }

    public IReadOnlyList<QueryMatch> Matches { get; init; } = [];

    /// <summary>Attributes to return beyond the level's defaults (indexed ones come from columns, others from stored metadata).</summary>
    public IReadOnlyList<DicomTag> IncludeFields { get; init; } = [];

    /// <summary>Every attribute of the level (at instance level, all of the stored metadata).</summary>
    public bool IncludeAll { get; init; }

    public int Offset { get; init; }

    public required int Limit { get; init; }

    /// <summary>True when answering needs each instance's stored metadata (attributes the index has no column for).</summary>
    public bool NeedsStoredMetadata =>
        Level == QueryLevel.Instance
        && (IncludeAll || IncludeFields.Any(tag => QueryAttributes.Find(tag) is null && tag != DicomTags.RetrieveURL && tag != DicomTags.InstanceAvailability));
}
