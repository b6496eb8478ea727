namespace DicomWebArchive.Core;

/// <summary>What a retrieve names: a study, one of its series, or one instance of that series.</summary>
public readonly record struct InstanceScope
{
    public InstanceScope(string studyInstanceUid, string? seriesInstanceUid = null, string? sopInstanceUid = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(studyInstanceUid);
        if (sopInstanceUid is not null && seriesInstanceUid is null)
        {
            throw new ArgumentException("An instance is named within its series.", nameof(sopInstanceUid));
        }
        StudyInstanceUid = studyInstanceUid;
        SeriesInstanceUid = seriesInstanceUid;
        SopInstanceUid = sopInstanceUid;
    }

    public string StudyInstanceUid { get; }

    public string? SeriesInstanceUid { get; }

    public string? SopInstanceUid { get; }

    public bool IsInstance => SopInstanceUid is not null;

    public override string ToString() =>
        SopInstanceUid is not null ? $"instance {SopInstanceUid} of series {SeriesInstanceUid} of study {StudyInstanceUid}"
        : SeriesInstanceUid is not null ? $"series {SeriesInstanceUid} of study {StudyInstanceUid}"
        : $"study {StudyInstanceUid}";
}
