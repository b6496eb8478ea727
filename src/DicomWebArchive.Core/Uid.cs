namespace DicomWebArchive.Core;

/// <summary>UID syntax of PS3.5 §9.1: at most 64 characters, digit components separated by dots, no leading zeros.</summary>
public static class Uid
{
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.Length is 0 or > 64)
        {
            return false;
        }
        var componentStart = 0;
        for (var i = 0; i <= uid.Length; i++)
        {
            if (i == uid.Length || uid[i] == '.')
            {
                var length = i - componentStart;
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
