using System.Security.Cryptography;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blob keys are 128 random bits as 32 lower-case hex digits. Anything else is refused before it reaches a path,
/// so a key can never name a file outside the store.
/// </summary>
internal static class BlobKey
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsValid(string? key)
    {
        if (key is null || key.Length != Length)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static void ThrowIfInvalid(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValid(key))
        {
            throw new ArgumentException("Not a blob key of this store.", nameof(key));
        }
    }

    /// <summary>Two levels of 256 folders keep directories small (ab/cd/abcd...).</summary>
    public static string RelativePath(string key) => Path.Combine(key[..2], key[2..4], key);
}
