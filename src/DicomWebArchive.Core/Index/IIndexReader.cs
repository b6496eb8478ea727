namespace DicomWebArchive.Core.Index;

/// <summary>Reads what the index holds, level by level, with the aggregates maintained at ingest.</summary>
public interface IIndexReader
{
    Task<StudyRecord?> GetStudyAsync(string studyInstanceUid, CancellationToken cancellationToken);

    /// <summary>The series, when it exists and belongs to the study.</summary>
    Task<SeriesRecord?> GetSeriesAsync(string studyInstanceUid, string seriesInstanceUid, CancellationToken cancellationToken);

    /// <summary>Everything stored for the instance, study and series attributes included.</summary>
    Task<InstanceRecord?> GetInstanceAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>The study's series, by Series Number then UID.</summary>
    Task<IReadOnlyList<SeriesRecord>> ListSeriesAsync(string studyInstanceUid, CancellationToken cancellationToken);

    /// <summary>The instances of a study, or of one of its series, by series then Instance Number then UID.</summary>
    Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(string studyInstanceUid, string? seriesInstanceUid, CancellationToken cancellationToken);

    /// <summary>As <see cref="ListInstancesAsync"/>, only what retrieving instances and metadata needs.</summary>
    Task<IReadOnlyList<InstanceContent>> ListInstanceContentsAsync(string studyInstanceUid, string? seriesInstanceUid, CancellationToken cancellationToken);
}
