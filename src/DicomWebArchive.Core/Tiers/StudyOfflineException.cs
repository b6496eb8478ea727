namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// Pixel data of an archived study was asked for: its rehydration has been started, and the client should ask again
/// after <see cref="RetryAfter"/>. Metadata, searches and thumbnails never throw this.
/// </summary>
public sealed class StudyOfflineException(string studyInstanceUid, TimeSpan retryAfter, long? operationId)
    : Exception($"Study {studyInstanceUid} is archived; it is being brought back online, try again later.")
{
    public string StudyInstanceUid { get; } = studyInstanceUid;

    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>The rehydration move a client can follow; null when it could not be recorded.</summary>
    public long? OperationId { get; } = operationId;
}

/// <summary>A tier the configured blob store does not have (archive on a filesystem store without an archive root).</summary>
public sealed class TierUnavailableException(string message) : Exception(message);
