using System.Security.Cryptography;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blob keys are 32 lower-case hex digits: the minute they were made (16 bits, wrapping every 45 days) then 112 random
/// bits. Anything else is refused before it reaches a path, so a key can never name a file outside the store. The
/// minute leads so that blobs written together share a shard folder: one folder is created a minute instead of one
/// per blob, and their renames are made durable by shared directory flushes.
/// </summary>
internal static class BlobKey
{
    public const int Length = 32;

    public static string New() => New(DateTimeOffset.UtcNow);

    /// <summary>128 random bits: for object stores, which spread load by name and suffer from names sharing a prefix.</summary>
    public static string NewRandom() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static string New(DateTimeOffset now)
    {
        Span<byte> bits = stackalloc byte[Length / 2];
        RandomNumberGenerator.Fill(bits[2..]);
        var minute = (ushort)(now.ToUnixTimeSeconds() / 60);
        bits[0] = (byte)(minute >> 8);
        bits[1] = (byte)minute;
        return Convert.ToHexStringLower(bits);
    }

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
