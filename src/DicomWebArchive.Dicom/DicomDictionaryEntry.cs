namespace DicomWebArchive.Dicom;

/// <summary>One attribute of the PS3.6 data dictionary.</summary>
public sealed class DicomDictionaryEntry
{
    private readonly DicomVR[] _vrs;

    internal DicomDictionaryEntry(DicomTag tag, uint mask, DicomVR[] valueRepresentations, string valueMultiplicity, string keyword, string name, bool isRetired)
    {
        Tag = tag;
        Mask = mask;
        _vrs = valueRepresentations;
        VR = DefaultVR(valueRepresentations);
        ValueMultiplicity = valueMultiplicity;
        Keyword = keyword;
        Name = name;
        IsRetired = isRetired;
    }

    /// <summary>The tag; for repeating groups (50xx, 60xx...) the first tag of the range.</summary>
    public DicomTag Tag { get; }

    /// <summary>Bits of the tag that identify this entry: 0xFFFFFFFF except for repeating groups.</summary>
    public uint Mask { get; }

    /// <summary>The VR to use when the encoding does not say (implicit VR) and nothing else decides.</summary>
    public DicomVR VR { get; }

    /// <summary>Every VR the standard allows ("OB or OW" gives two); <see cref="DicomVR.None"/> for item delimiters.</summary>
    public IReadOnlyList<DicomVR> ValueRepresentations => _vrs;

    public string ValueMultiplicity { get; }

    public string Keyword { get; }

    public string Name { get; }

    public bool IsRetired { get; }

    public bool HasAlternativeVRs => _vrs.Length > 1;

    public bool Allows(DicomVR vr) => Array.IndexOf(_vrs, vr) >= 0;

    // OW keeps 16-bit words intact when a file is later converted to big endian; US reads a
    // descriptor correctly whatever the pixel representation for the usual unsigned images.
    private static DicomVR DefaultVR(DicomVR[] vrs) =>
        vrs.Length == 1 ? vrs[0]
        : Array.IndexOf(vrs, DicomVR.US) >= 0 ? DicomVR.US
        : Array.IndexOf(vrs, DicomVR.OW) >= 0 ? DicomVR.OW
        : vrs[0];
}
