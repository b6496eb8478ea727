namespace DicomWebArchive.Dicom;

/// <summary>A transfer syntax: how a data set is encoded (VR explicit or implicit, byte order, deflate, encapsulation).</summary>
public sealed partial record TransferSyntax(string Uid, string Name, bool IsExplicitVR, bool IsBigEndian, bool IsDeflated, bool IsEncapsulated, bool IsLossy)
{
    public static readonly TransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false, false);
    public static readonly TransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, false);
    public static readonly TransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false, false);
    public static readonly TransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false, false) { IsRetired = true };

    /// <summary>True for the syntaxes whose pixel data is native (not encapsulated).</summary>
    public bool IsNative => !IsEncapsulated;

    /// <summary>False for a UID the registry does not know (see <see cref="Lookup"/>).</summary>
    public bool IsKnown { get; init; } = true;

    public bool IsRetired { get; init; }
}
