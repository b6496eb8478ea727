using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Query;

/// <summary>A parsed QIDO-RS search: what to match, what to return, which page.</summary>
public sealed record QidoQuery
{
    public required QueryLevel Level { get; init; }

    /// <summary>Set for /studies/{study}/... resources.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>Set for /studies/{study}/series/{series}/instances.</summary>
    public string? SeriesInstanceUid { get; init; }

    public IReadOnlyList<QueryMatch> Matches { get; init; } = [];

    /// <summary>Attributes to return beyond the level's defaults (indexed ones come from columns, others from stored metadata).</summary>
    public IReadOnlyList<DicomTag> IncludeFields { get; init; } = [];

    /// <summary>includefield=all: every attribute of the level (at instance level, all of the stored metadata).</summary>
    public bool IncludeAll { get; init; }

    public int Offset { get; init; }

    public required int Limit { get; init; }

    public bool FuzzyMatching { get; init; }

    /// <summary>Warning header values (PS3.18 §8.3.4) to send with the response.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A QIDO request the server cannot answer as asked; the message names what is wrong (HTTP 400).</summary>
public sealed class QueryException(string message) : Exception(message);
