namespace DicomWebArchive.Core.Store;

/// <summary>UID syntax of PS3.5 §9.1; UIDs reach URLs and log lines, so anything else is refused.</summary>
public static class UidSyntax
{
    public const int MaxLength = 64;

    /// <summary>
    /// At most 64 characters, dot-separated components of digits, no empty component and no leading zero
    /// except the single digit "0". Rejects letters, slashes, "..", spaces and padding by construction.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > MaxLength)
        {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                int length = i - componentStart;
                if (length == 0 || (length > 1 && uid[componentStart] == '0'))
                {
                    return false;
                }
                componentStart = i + 1;
            }
            else if (!char.IsAsciiDigit(uid[i]))
            {
                return false;
            }
        }
        return true;
    }
}
