namespace DicomWebArchive.Core.Store;

/// <summary>What happened to one instance of a store request: stored (possibly with a warning) or failed with a reason.</summary>
public sealed record StoreOutcome
{
    public string? SopClassUid { get; init; }

    public string? SopInstanceUid { get; init; }

    public string? StudyInstanceUid { get; init; }

    public string? SeriesInstanceUid { get; init; }

    /// <summary>Failure Reason (0008,1197); null when stored.</summary>
    public ushort? FailureReason { get; init; }

    /// <summary>Warning Reason (0008,1196) of a stored instance; null when none.</summary>
    public ushort? WarningReason { get; init; }

    /// <summary>
    /// Why it failed, or what was corrected or tolerated when stored with a warning: words for the uploader (Error Comment
    /// (0000,0902) of the store response) and the logs. Never a value from the instance.
    /// </summary>
    public string? Message { get; init; }

    public bool IsStored => FailureReason is null;

    /// <summary>True when an identical instance was already stored and nothing changed.</summary>
    public bool WasAlreadyStored { get; init; }

    internal static StoreOutcome Failed(ushort reason, string message, StoreIdentity identity) => new()
    {
        FailureReason = reason,
        Message = message,
        SopClassUid = identity.SopClassUid,
        SopInstanceUid = identity.SopInstanceUid,
        StudyInstanceUid = identity.StudyInstanceUid,
        SeriesInstanceUid = identity.SeriesInstanceUid,
    };
}

/// <summary>The UIDs read from an instance, as far as they could be read.</summary>
internal readonly record struct StoreIdentity(string? SopClassUid, string? SopInstanceUid, string? StudyInstanceUid, string? SeriesInstanceUid);
