using System.Collections.Frozen;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Query;

public enum QueryLevel
{
    Study,
    Series,
    Instance,
}

/// <summary>An attribute the index holds as a real column, so QIDO can match on it and return it without reading metadata.</summary>
public sealed record QueryAttribute(DicomTag Tag, string Keyword, DicomVR VR, QueryLevel Level)
{
    /// <summary>Computed at ingest from lower levels (ModalitiesInStudy, counts); multi-valued ones are stored '\'-joined.</summary>
    public bool IsAggregate { get; init; }

    public bool IsMultiValued { get; init; }
}

/// <summary>The fixed set of indexed attributes per level (PS3.18 §10.6 required keys plus what OHIF reads).</summary>
public static class QueryAttributes
{
    public static readonly QueryAttribute StudyInstanceUid = new(DicomTags.StudyInstanceUID, "StudyInstanceUID", DicomVR.UI, QueryLevel.Study);
    public static readonly QueryAttribute StudyDate = new(DicomTags.StudyDate, "StudyDate", DicomVR.DA, QueryLevel.Study);
    public static readonly QueryAttribute StudyTime = new(DicomTags.StudyTime, "StudyTime", DicomVR.TM, QueryLevel.Study);
    public static readonly QueryAttribute AccessionNumber = new(DicomTags.AccessionNumber, "AccessionNumber", DicomVR.SH, QueryLevel.Study);
    public static readonly QueryAttribute ModalitiesInStudy = new(DicomTags.ModalitiesInStudy, "ModalitiesInStudy", DicomVR.CS, QueryLevel.Study) { IsAggregate = true, IsMultiValued = true };
    public static readonly QueryAttribute SopClassesInStudy = new(DicomTags.SOPClassesInStudy, "SOPClassesInStudy", DicomVR.UI, QueryLevel.Study) { IsAggregate = true, IsMultiValued = true };
    public static readonly QueryAttribute ReferringPhysicianName = new(DicomTags.ReferringPhysicianName, "ReferringPhysicianName", DicomVR.PN, QueryLevel.Study);
    public static readonly QueryAttribute TimezoneOffsetFromUtc = new(DicomTags.TimezoneOffsetFromUTC, "TimezoneOffsetFromUTC", DicomVR.SH, QueryLevel.Study);
    public static readonly QueryAttribute StudyDescription = new(DicomTags.StudyDescription, "StudyDescription", DicomVR.LO, QueryLevel.Study);
    public static readonly QueryAttribute PatientName = new(DicomTags.PatientName, "PatientName", DicomVR.PN, QueryLevel.Study);
    public static readonly QueryAttribute PatientId = new(DicomTags.PatientID, "PatientID", DicomVR.LO, QueryLevel.Study);
    public static readonly QueryAttribute PatientBirthDate = new(DicomTags.PatientBirthDate, "PatientBirthDate", DicomVR.DA, QueryLevel.Study);
    public static readonly QueryAttribute PatientSex = new(DicomTags.PatientSex, "PatientSex", DicomVR.CS, QueryLevel.Study);
    public static readonly QueryAttribute StudyId = new(DicomTags.StudyID, "StudyID", DicomVR.SH, QueryLevel.Study);
    public static readonly QueryAttribute NumberOfStudyRelatedSeries = new(DicomTags.NumberOfStudyRelatedSeries, "NumberOfStudyRelatedSeries", DicomVR.IS, QueryLevel.Study) { IsAggregate = true };
    public static readonly QueryAttribute NumberOfStudyRelatedInstances = new(DicomTags.NumberOfStudyRelatedInstances, "NumberOfStudyRelatedInstances", DicomVR.IS, QueryLevel.Study) { IsAggregate = true };

    public static readonly QueryAttribute SeriesInstanceUid = new(DicomTags.SeriesInstanceUID, "SeriesInstanceUID", DicomVR.UI, QueryLevel.Series);
    public static readonly QueryAttribute Modality = new(DicomTags.Modality, "Modality", DicomVR.CS, QueryLevel.Series);
    public static readonly QueryAttribute SeriesNumber = new(DicomTags.SeriesNumber, "SeriesNumber", DicomVR.IS, QueryLevel.Series);
    public static readonly QueryAttribute SeriesDescription = new(DicomTags.SeriesDescription, "SeriesDescription", DicomVR.LO, QueryLevel.Series);
    public static readonly QueryAttribute SeriesDate = new(DicomTags.SeriesDate, "SeriesDate", DicomVR.DA, QueryLevel.Series);
    public static readonly QueryAttribute SeriesTime = new(DicomTags.SeriesTime, "SeriesTime", DicomVR.TM, QueryLevel.Series);
    public static readonly QueryAttribute PerformedProcedureStepStartDate = new(DicomTags.PerformedProcedureStepStartDate, "PerformedProcedureStepStartDate", DicomVR.DA, QueryLevel.Series);
    public static readonly QueryAttribute PerformedProcedureStepStartTime = new(DicomTags.PerformedProcedureStepStartTime, "PerformedProcedureStepStartTime", DicomVR.TM, QueryLevel.Series);
    public static readonly QueryAttribute NumberOfSeriesRelatedInstances = new(DicomTags.NumberOfSeriesRelatedInstances, "NumberOfSeriesRelatedInstances", DicomVR.IS, QueryLevel.Series) { IsAggregate = true };

    public static readonly QueryAttribute SopInstanceUid = new(DicomTags.SOPInstanceUID, "SOPInstanceUID", DicomVR.UI, QueryLevel.Instance);
    public static readonly QueryAttribute SopClassUid = new(DicomTags.SOPClassUID, "SOPClassUID", DicomVR.UI, QueryLevel.Instance);
    public static readonly QueryAttribute InstanceNumber = new(DicomTags.InstanceNumber, "InstanceNumber", DicomVR.IS, QueryLevel.Instance);
    public static readonly QueryAttribute Rows = new(DicomTags.Rows, "Rows", DicomVR.US, QueryLevel.Instance);
    public static readonly QueryAttribute Columns = new(DicomTags.Columns, "Columns", DicomVR.US, QueryLevel.Instance);
    public static readonly QueryAttribute BitsAllocated = new(DicomTags.BitsAllocated, "BitsAllocated", DicomVR.US, QueryLevel.Instance);
    public static readonly QueryAttribute NumberOfFrames = new(DicomTags.NumberOfFrames, "NumberOfFrames", DicomVR.IS, QueryLevel.Instance);

    public static IReadOnlyList<QueryAttribute> All { get; } =
    [
        StudyInstanceUid, StudyDate, StudyTime, AccessionNumber, ModalitiesInStudy, SopClassesInStudy, ReferringPhysicianName,
        TimezoneOffsetFromUtc, StudyDescription, PatientName, PatientId, PatientBirthDate, PatientSex, StudyId,
        NumberOfStudyRelatedSeries, NumberOfStudyRelatedInstances,
        SeriesInstanceUid, Modality, SeriesNumber, SeriesDescription, SeriesDate, SeriesTime,
        PerformedProcedureStepStartDate, PerformedProcedureStepStartTime, NumberOfSeriesRelatedInstances,
        SopInstanceUid, SopClassUid, InstanceNumber, Rows, Columns, BitsAllocated, NumberOfFrames,
    ];

    private static readonly FrozenDictionary<DicomTag, QueryAttribute> ByTag = All.ToFrozenDictionary(a => a.Tag);
    private static readonly FrozenDictionary<string, QueryAttribute> ByKeyword = All.ToFrozenDictionary(a => a.Keyword, StringComparer.Ordinal);

    public static QueryAttribute? Find(DicomTag tag) => ByTag.GetValueOrDefault(tag);

    public static QueryAttribute? Find(string keyword) => ByKeyword.GetValueOrDefault(keyword);

    /// <summary>Returned without being asked (PS3.18 Tables 10.6.3-3/4/5, plus StudyDescription which OHIF reads).</summary>
    public static IReadOnlyList<QueryAttribute> Defaults(QueryLevel level) => level switch
    {
        QueryLevel.Study => StudyDefaults,
        QueryLevel.Series => SeriesDefaults,
        _ => InstanceDefaults,
    };

    private static readonly QueryAttribute[] StudyDefaults =
    [
        StudyDate, StudyTime, AccessionNumber, ModalitiesInStudy, ReferringPhysicianName, TimezoneOffsetFromUtc,
        StudyDescription, PatientName, PatientId, PatientBirthDate, PatientSex, StudyInstanceUid, StudyId,
        NumberOfStudyRelatedSeries, NumberOfStudyRelatedInstances,
    ];

    private static readonly QueryAttribute[] SeriesDefaults =
    [
        Modality, TimezoneOffsetFromUtc, SeriesDescription, SeriesInstanceUid, SeriesNumber, NumberOfSeriesRelatedInstances,
        PerformedProcedureStepStartDate, PerformedProcedureStepStartTime,
    ];

    private static readonly QueryAttribute[] InstanceDefaults =
    [
        SopClassUid, SopInstanceUid, TimezoneOffsetFromUtc, InstanceNumber, Rows, Columns, BitsAllocated, NumberOfFrames,
    ];
}
