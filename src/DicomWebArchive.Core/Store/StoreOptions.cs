namespace DicomWebArchive.Core.Store;

public enum DuplicatePolicy
{
    /// <summary>Different bytes under a stored SOP Instance UID fail with 0x0111; identical bytes succeed.</summary>
    Reject,

    /// <summary>Different bytes under a stored SOP Instance UID replace the stored instance.</summary>
    Overwrite,
}

/// <summary>Section "Store": how instances are accepted.</summary>
public sealed class StoreOptions : IArchiveOptions
{
    public static string Section => "Store";

    public DuplicatePolicy Duplicates { get; set; } = DuplicatePolicy.Reject;

    /// <summary>Binary values longer than this become BulkDataURIs in the precomputed metadata (Pixel Data always does).</summary>
    public int BulkDataThreshold { get; set; } = 1024;

    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Duplicates))
        {
            yield return "Store:Duplicates must be Reject or Overwrite.";
        }
        if (BulkDataThreshold < 0)
        {
            yield return "Store:BulkDataThreshold must not be negative.";
        }
    }
}
