namespace DicomWebArchive.Dicom.Media;

/// <summary>
/// File IDs of a DICOM File-set (PS3.10 §8.5, PS3.12 Annex F): at most 8 components, each 1 to 8 characters of the
/// uppercase letters, digits and underscore; on media and in a ZIP the components are joined by '/'.
/// </summary>
public static class DicomFileId
{
    public const int MaxComponents = 8;

    public const int MaxComponentLength = 8;

    public static bool IsValidComponent(string component) =>
        component is { Length: > 0 and <= MaxComponentLength } && component.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');

    public static bool IsValid(IReadOnlyList<string> fileId) =>
        fileId is { Count: > 0 and <= MaxComponents } && fileId.All(IsValidComponent);

    /// <summary>The path of the file inside the file-set (a ZIP entry name).</summary>
    public static string ToPath(IReadOnlyList<string> fileId) => string.Join('/', fileId);
}
