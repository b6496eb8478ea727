namespace DicomWebArchive.Dicom.Text;

/// <summary>
/// Decoded text of string elements, following the Specific Character Set in effect for the data set
/// (inherited by sequence items through <see cref="DicomDataset.Parent"/>). Padding is removed per VR;
/// values of multi-valued VRs are split at '\'. Never throws on unknown or malformed encodings.
/// </summary>
public static class DicomText
{
    /// <summary>All values, each trimmed per VR, joined with '\'; empty when the value is empty or not loaded.</summary>
    public static string GetString(DicomDataset dataset, DicomElement element)
    {
        if (!element.IsValueLoaded || element.Value.IsEmpty)
        {
            return string.Empty;
        }
        var text = DecodeWhole(dataset, element);
        if (DicomValueText.IsSingleValued(element.VR))
        {
            return DicomValueText.Trim(text, element.VR).ToString();
        }
        if (!text.Contains('\\'))
        {
            var trimmed = DicomValueText.Trim(text, element.VR);
            return trimmed.Length == text.Length ? text : trimmed.ToString();
        }
        return string.Join('\\', GetStrings(dataset, element));
    }

    /// <summary>Each value, trimmed per VR; empty values stay as empty strings; an empty element gives an empty array.</summary>
    public static string[] GetStrings(DicomDataset dataset, DicomElement element)
    {
        if (!element.IsValueLoaded || element.Value.IsEmpty)
        {
            return [];
        }
        var text = DecodeWhole(dataset, element);
        if (DicomValueText.IsSingleValued(element.VR))
        {
            return [DicomValueText.Trim(text, element.VR).ToString()];
        }
        var span = text.AsSpan();
        var values = new string[span.Count('\\') + 1];
        int index = 0;
        foreach (var range in span.Split('\\'))
        {
            values[index++] = DicomValueText.Trim(span[range], element.VR).ToString();
        }
        if (values.Length == 1 && values[0].Length == 0)
        {
            return [];
        }
        return values;
    }

    /// <summary>The first Person Name value split into groups; null when the element is empty.</summary>
    public static DicomPersonName? GetPersonName(DicomDataset dataset, DicomElement element)
    {
        var values = GetPersonNames(dataset, element);
        return values.Length == 0 ? null : values[0];
    }

    /// <summary>Every Person Name value split into groups.</summary>
    public static DicomPersonName[] GetPersonNames(DicomDataset dataset, DicomElement element)
    {
        var values = GetStrings(dataset, element);
        var names = new DicomPersonName[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            names[i] = DicomPersonName.Parse(values[i]);
        }
        return names;
    }

    /// <summary>The decoded value of <paramref name="tag"/> (values joined with '\'); null when absent, empty string when empty.</summary>
    public static string? GetString(this DicomDataset dataset, DicomTag tag) =>
        dataset.Find(tag) is { } element ? GetString(dataset, element) : null;

    /// <summary>The decoded values of <paramref name="tag"/>; empty when absent or empty.</summary>
    public static string[] GetStrings(this DicomDataset dataset, DicomTag tag) =>
        dataset.Find(tag) is { } element ? GetStrings(dataset, element) : [];

    /// <summary>The first Person Name value of <paramref name="tag"/>; null when absent or empty.</summary>
    public static DicomPersonName? GetPersonName(this DicomDataset dataset, DicomTag tag) =>
        dataset.Find(tag) is { } element ? GetPersonName(dataset, element) : null;

    private static string DecodeWhole(DicomDataset dataset, DicomElement element)
    {
        var bytes = element.Value.Span;
        return element.VR.UsesSpecificCharacterSet() || element.VR == DicomVR.None || element.VR == DicomVR.UN
            ? DicomCharacterSet.Of(dataset).Decode(bytes, element.VR == DicomVR.PN)
            : DicomCharacterSet.Default.Decode(bytes);
    }
}
