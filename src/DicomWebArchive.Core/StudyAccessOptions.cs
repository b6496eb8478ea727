using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core;

/// <summary>
/// Section "Auth:StudyAccess": per-study access. Each study keeps the value of <see cref="Attribute"/> as its access key;
/// a caller sees the studies whose key is among the values of its <see cref="Claim"/> (administrators see all).
/// </summary>
public sealed class StudyAccessOptions : IArchiveOptions
{
    public static string Section => "Auth:StudyAccess";

    /// <summary>A DICOM keyword of a study-level attribute, e.g. InstitutionName or IssuerOfPatientID; empty for no per-study access.</summary>
    public string? Attribute { get; set; }

    /// <summary>The token claim listing the access keys a caller may see.</summary>
    public string? Claim { get; set; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Attribute);

    /// <summary>The attribute's tag; null when per-study access is off.</summary>
    public DicomTag? Tag => IsEnabled && DicomDictionary.TryGetTag(Attribute!, out var tag) ? tag : null;

    public IEnumerable<string> Validate()
    {
        if (IsEnabled && Tag is null)
        {
            yield return $"Auth:StudyAccess:Attribute '{Attribute}' is not a DICOM keyword (for example InstitutionName).";
        }
        if (IsEnabled != !string.IsNullOrWhiteSpace(Claim))
        {
            yield return "Auth:StudyAccess:Attribute and Auth:StudyAccess:Claim go together: name the attribute kept per study and the claim that lists its allowed values.";
        }
    }
}
