namespace DicomWebArchive.Core.Maintenance;

/// <summary>Section "Retention": how long deleted instances and replaced versions stay restorable before their blobs go.</summary>
public sealed class RetentionOptions : IArchiveOptions
{
    public static string Section => "Retention";

    /// <summary>From a delete (or an update) to the removal of the blobs; a deleted study can be restored until then.</summary>
    public TimeSpan PurgeDelay { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the purge looks for blobs whose time has come.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    public IEnumerable<string> Validate()
    {
        if (PurgeDelay < TimeSpan.Zero)
        {
            yield return $"Retention:PurgeDelay must not be negative (it is {PurgeDelay}).";
        }
        if (PurgeInterval <= TimeSpan.Zero)
        {
            yield return $"Retention:PurgeInterval must be positive (it is {PurgeInterval}).";
        }
    }
}
