using System.Collections.Concurrent;
using DicomWebArchive.Core.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// What reads do for tiers: note that a study was opened (its last access, written at most once per
/// <see cref="LifecycleOptions.AccessResolution"/>, and a promotion back to hot of a cool or cold study), and refuse
/// pixel data of archived instances while starting their study's rehydration.
/// </summary>
public sealed partial class StudyTiering(ITierIndex index, IBlobStore blobs, TierMover mover, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<StudyTiering> logger)
{
    // Past this many studies the memory of recent touches starts afresh: a few extra writes, never unbounded growth.
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <summary>Records that the study was opened. Failures are logged, never passed to the reader.</summary>
    public async Task NoteAccessAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var resolution = options.Value.AccessResolution;
        if (_touched.TryGetValue(studyInstanceUid, out var last) && now - last < resolution && now >= last)
        {
            return;
        }
        if (_touched.Count >= MaxRemembered)
        {
            _touched.Clear();
        }
        _touched[studyInstanceUid] = now;
        try
        {
            var tier = await index.TouchStudyAsync(studyInstanceUid, now, resolution, cancellationToken).ConfigureAwait(false);
            if (tier is BlobTier.Cool or BlobTier.Cold && options.Value.PromoteOnAccess)
            {
                await index.StartMoveAsync(studyInstanceUid, BlobTier.Hot, TierMoveReason.Access, null, cancellationToken).ConfigureAwait(false);
                mover.Wake();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _touched.TryRemove(studyInstanceUid, out _);
            LogTouchFailed(logger, studyInstanceUid, e);
        }
    }

    /// <summary>
    /// Throws <see cref="StudyOfflineException"/> when any of <paramref name="tiers"/> (of instances of the study about to
    /// be read) is archive, after recording a rehydration of the whole study.
    /// </summary>
    public async Task EnsureOnlineAsync(string studyInstanceUid, IEnumerable<BlobTier> tiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        if (tiers.All(BlobTiers.IsOnline))
        {
            return;
        }
        throw await RehydrateAsync(studyInstanceUid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts (or finds) the study's rehydration to hot and returns the exception that tells the client to come back.</summary>
    public async Task<StudyOfflineException> RehydrateAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        long? operation = null;
        try
        {
            var storage = await index.GetStudyStorageAsync(studyInstanceUid, cancellationToken).ConfigureAwait(false);
            // A move already bringing it online (to any online tier) is left to finish; anything else becomes a move to hot.
            var move = storage?.PendingMove is { Target: not BlobTier.Archive } pending
                ? pending
                : await index.StartMoveAsync(studyInstanceUid, BlobTier.Hot, TierMoveReason.Rehydration, null, cancellationToken).ConfigureAwait(false);
            operation = move?.Id;
            mover.Wake();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRehydrationFailed(logger, studyInstanceUid, e);
        }
        return new StudyOfflineException(studyInstanceUid, blobs.RehydrationTime, operation);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the access to study {Study}")]
    private static partial void LogTouchFailed(ILogger logger, string study, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start the rehydration of study {Study}")]
    private static partial void LogRehydrationFailed(ILogger logger, string study, Exception exception);
}
