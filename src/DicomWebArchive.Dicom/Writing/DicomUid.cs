using System.Globalization;
using System.Numerics;

namespace DicomWebArchive.Dicom.Writing;

/// <summary>UIDs made by DicomWebArchive: the 2.25 arc, whose components are UUIDs written as decimal integers (PS3.5 Annex B.2).</summary>
public static class DicomUid
{
    /// <summary>A fresh UID from a random (version 4) UUID; at most 44 characters, well under the 64 allowed.</summary>
    public static string Generate() => FromGuid(Guid.NewGuid());

    /// <summary>The 2.25 UID of a UUID: "2.25." followed by the UUID's 128 bits as an unsigned decimal integer.</summary>
    public static string FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }
}
