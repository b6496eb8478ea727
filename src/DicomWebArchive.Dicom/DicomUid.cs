using System.Globalization;
using System.Numerics;

namespace DicomWebArchive.Dicom;

/// <summary>
/// Unique identifiers (PS3.5 §9): the one check of their syntax every front end uses, and the UIDs DicomWebArchive
/// makes itself, on the 2.25 arc whose components are UUIDs written as decimal integers (PS3.5 Annex B.2).
/// </summary>
public static class DicomUid
{
    public const int MaxLength = 64;

    /// <summary>
    /// PS3.5 §9.1: at most 64 characters, dot-separated components of digits, no empty component and no leading zero
    /// except the single digit "0". UIDs reach URLs and log lines, so letters, slashes, "..", spaces and padding are
    /// refused by construction.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> uid) => Check(uid) == UidProblem.None;

    /// <summary>
    /// Whether <paramref name="uid"/> can serve as a key (index row, URL segment, query value): <see cref="IsValid"/>
    /// except that components may have leading zeros ("1.2.246.352.91.0000217"), which older vendors write and other
    /// archives accept. Such a UID is still unambiguous as a string; only the canonical form of PS3.5 §9.1 is lost.
    /// </summary>
    public static bool IsKey(ReadOnlySpan<char> uid) => Check(uid) is UidProblem.None or UidProblem.LeadingZero;

    /// <summary>What keeps <paramref name="uid"/> from being a valid UID, the first problem found; None when it is one.</summary>
    public static UidProblem Check(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty)
        {
            return UidProblem.Empty;
        }
        if (uid.Length > MaxLength)
        {
            return UidProblem.TooLong;
        }
        foreach (char c in uid)
        {
            if (c != '.' && !char.IsAsciiDigit(c))
            {
                return UidProblem.NotDigitsAndDots;
            }
        }
        var found = UidProblem.None;
        int componentStart = 0;
        for (int i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                int length = i - componentStart;
                if (length == 0)
                {
                    return UidProblem.EmptyComponent;
                }
                if (length > 1 && uid[componentStart] == '0')
                {
                    // Keep looking: an empty component later on is the graver problem.
                    found = UidProblem.LeadingZero;
                }
                componentStart = i + 1;
            }
        }
        return found;
    }

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

/// <summary>Why a string is not a valid UID (PS3.5 §9.1); only <see cref="LeadingZero"/> leaves it usable as a key.</summary>
public enum UidProblem
{
    None,
    Empty,
    TooLong,
    NotDigitsAndDots,
    EmptyComponent,
    LeadingZero,
}
