namespace DicomWebArchive.Core.Blobs;

/// <summary>Tier names as the index stores them (lower case) and as people write them (any case).</summary>
public static class BlobTiers
{
    public static string ToIndexValue(this BlobTier tier) => tier switch
    {
        BlobTier.Hot => "hot",
        BlobTier.Cool => "cool",
        BlobTier.Cold => "cold",
        _ => "archive",
    };

    /// <summary>Hot, Cool, Cold or Archive in any case; false for anything else (numbers included).</summary>
    public static bool TryParse(string? text, out BlobTier tier)
    {
        foreach (var candidate in Enum.GetValues<BlobTier>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                tier = candidate;
                return true;
            }
        }
        tier = default;
        return false;
    }

    /// <summary>The tier of an index value; an unknown value (none is written) counts as hot.</summary>
    public static BlobTier FromIndexValue(string? value) => TryParse(value, out var tier) ? tier : BlobTier.Hot;

    /// <summary>Hot, cool and cold are read at once; archive must be rehydrated first.</summary>
    public static bool IsOnline(this BlobTier tier) => tier != BlobTier.Archive;
}
