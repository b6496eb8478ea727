namespace DicomWebArchive.Dicom.Text;

/// <summary>Value splitting and padding rules of PS3.5 §6.2 for string VRs.</summary>
internal static class DicomValueText
{
    /// <summary>LT, ST, UT and UR hold one value: a backslash in them is just a character.</summary>
    public static bool IsSingleValued(DicomVR vr) => vr is DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UR;

    /// <summary>VRs whose leading spaces are insignificant too (trailing ones are for every string VR).</summary>
    public static bool TrimsLeading(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA
        or DicomVR.DS or DicomVR.DT or DicomVR.IS or DicomVR.LO or DicomVR.SH or DicomVR.TM or DicomVR.UI;

    /// <summary>Removes padding: trailing spaces and NULs (UI pads with NUL; some writers pad others with it too), leading spaces where insignificant.</summary>
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> value, DicomVR vr)
    {
        value = value.TrimEnd("\0 ");
        return TrimsLeading(vr) ? value.TrimStart(' ') : value;
    }

    /// <summary><see cref="Trim(ReadOnlySpan{char}, DicomVR)"/> for ASCII bytes.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value, DicomVR vr)
    {
        value = value.TrimEnd(" \0"u8);
        return TrimsLeading(vr) ? value.TrimStart((byte)' ') : value;
    }
}
