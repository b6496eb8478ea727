namespace DicomWebArchive.Dicom.Text;

/// <summary>One Person Name value split into its component groups (PS3.5 §6.2.1); absent groups are empty strings.</summary>
public readonly record struct DicomPersonName(string Alphabetic, string Ideographic, string Phonetic)
{
    /// <summary>Splits one decoded PN value at '='; groups beyond the third are ignored.</summary>
    public static DicomPersonName Parse(ReadOnlySpan<char> value)
    {
        Span<Range> groups = stackalloc Range[4];
        int count = value.Split(groups, '=');
        return new DicomPersonName(
            Group(value, groups, count, 0),
            Group(value, groups, count, 1),
            Group(value, groups, count, 2));
    }

    public bool IsEmpty => Alphabetic.Length == 0 && Ideographic.Length == 0 && Phonetic.Length == 0;

    /// <summary>The DICOM form: groups joined with '=', trailing empty groups dropped.</summary>
    public override string ToString() =>
        Phonetic.Length > 0 ? $"{Alphabetic}={Ideographic}={Phonetic}"
        : Ideographic.Length > 0 ? $"{Alphabetic}={Ideographic}"
        : Alphabetic;

    private static string Group(ReadOnlySpan<char> value, Span<Range> groups, int count, int index) =>
        index < count ? value[groups[index]].TrimEnd(' ').ToString() : string.Empty;
}
