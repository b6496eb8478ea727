namespace DicomWebArchive.Core.Index;

/// <summary>A study row: the attributes its first instance brought, and aggregates kept exact at ingest.</summary>
public sealed record StudyRecord
{
    public required string StudyInstanceUid { get; init; }
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? AccessionNumber { get; init; }
    public string? StudyId { get; init; }
    public string? StudyDescription { get; init; }
    public string? ReferringPhysicianName { get; init; }
    public string? PatientName { get; init; }
    public string? PatientId { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? PatientSex { get; init; }
    public string? TimezoneOffsetFromUtc { get; init; }

    /// <summary>Distinct, sorted.</summary>
    public IReadOnlyList<string> ModalitiesInStudy { get; init; } = [];

    /// <summary>Distinct, sorted.</summary>
    public IReadOnlyList<string> SopClassesInStudy { get; init; } = [];

    public int NumberOfStudyRelatedSeries { get; init; }
    public int NumberOfStudyRelatedInstances { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A series row with its instance count.</summary>
public sealed record SeriesRecord
{
    public required string StudyInstanceUid { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public string? Modality { get; init; }
    public int? SeriesNumber { get; init; }
    public string? SeriesDescription { get; init; }
    public string? SeriesDate { get; init; }
    public string? SeriesTime { get; init; }
    public string? PerformedProcedureStepStartDate { get; init; }
    public string? PerformedProcedureStepStartTime { get; init; }
    public int NumberOfSeriesRelatedInstances { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
