namespace DicomWebArchive.Core;

/// <summary>
/// Which studies a caller may see. The index applies it in the SQL of every search and lookup, so counts and pages
/// stay right and a study outside it is simply not there (a 404, never a 403). Both restrictions apply when both are set.
/// </summary>
public sealed record StudyAccess
{
    /// <summary>No restriction.</summary>
    public static StudyAccess All { get; } = new();

    /// <summary>Only these studies (a signed link); null for any.</summary>
    public IReadOnlyList<string>? StudyInstanceUids { get; init; }

    /// <summary>
    /// Only studies whose access key — the value of the attribute Auth:StudyAccess:Attribute names (InstitutionName,
    /// IssuerOfPatientID...), kept per study at ingest — is one of these; null for any.
    /// </summary>
    public IReadOnlyList<string>? AccessKeys { get; init; }

    public bool IsUnrestricted => StudyInstanceUids is null && AccessKeys is null;

    /// <summary>Whether a study with this UID and access key is within reach, as the index's SQL decides it.</summary>
    public bool Allows(string studyInstanceUid, string? accessKey) =>
        (StudyInstanceUids is null || StudyInstanceUids.Contains(studyInstanceUid, StringComparer.Ordinal))
        && (AccessKeys is null || (accessKey is not null && AccessKeys.Contains(accessKey, StringComparer.Ordinal)));

    public static StudyAccess OnlyStudies(params string[] studyInstanceUids) => new() { StudyInstanceUids = studyInstanceUids };

    public static StudyAccess OnlyKeys(params string[] accessKeys) => new() { AccessKeys = accessKeys };
}
