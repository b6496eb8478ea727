namespace DicomWebArchive.Core.Index;

/// <summary>
/// Reads what the index holds. Every lookup takes the caller's <see cref="StudyAccess"/> and applies it in the query
/// itself: what it does not allow is not found.
/// </summary>
public interface IIndexReader
{
    /// <summary>The instances <paramref name="scope"/> names, by series, then Instance Number, then UID; empty when none.</summary>
    Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken);

    /// <summary>As <see cref="ListInstancesAsync"/>, only what serving instances' bytes and metadata needs.</summary>
    Task<IReadOnlyList<InstanceContent>> ListInstanceContentsAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken);

    /// <summary>
    /// How many instances <paramref name="scope"/> names and the latest change sequence among them, without reading them:
    /// a new value whenever what the scope holds changes. Null when it names nothing.
    /// </summary>
    Task<ContentVersion?> GetVersionAsync(InstanceScope scope, StudyAccess access, CancellationToken cancellationToken);

    Task<StudyRecord?> GetStudyAsync(string studyInstanceUid, StudyAccess access, CancellationToken cancellationToken);

    /// <summary>The series, when it exists and belongs to the study.</summary>
    Task<SeriesRecord?> GetSeriesAsync(string studyInstanceUid, string seriesInstanceUid, StudyAccess access, CancellationToken cancellationToken);

    /// <summary>The study's series, by Series Number then UID.</summary>
    Task<IReadOnlyList<SeriesRecord>> ListSeriesAsync(string studyInstanceUid, StudyAccess access, CancellationToken cancellationToken);
}

/// <summary>The instance count and latest change sequence of a scope (equal values mean equal content), and its patient.</summary>
public readonly record struct ContentVersion(long Instances, long LatestChange, string? PatientId = null);
