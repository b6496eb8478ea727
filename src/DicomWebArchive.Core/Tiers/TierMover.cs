using DicomWebArchive.Core.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// Carries out the moves the index records, one study at a time, so that a study is never unreadable half-way and a
/// crash at any point is resumed. Per blob: put it in the target tier while it stays readable where it was (a durable
/// copy, or the store's atomic tier change), record the blob's new tier in the index, then release the source.
/// When every blob is there, the study's tier flips. A move to archive keeps the representative instance of each
/// series (the one its thumbnail shows) online in the cold tier, so thumbnails of archived studies keep working.
/// </summary>
public sealed partial class TierMover(ITierIndex index, IBlobStore blobs, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<TierMover> logger)
{
    /// <summary>The tier representative instances of an archived study stay in: the cheapest one still online.</summary>
    public const BlobTier ThumbnailTier = BlobTier.Cold;

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks the background loop to look at unfinished moves now rather than at its next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Waits until <see cref="Wake"/> or the poll interval, whichever comes first.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _wake.WaitAsync(options.Value.MovePollInterval, cancellationToken);

    /// <summary>Works on every unfinished move this process can take; returns how many finished.</summary>
    public async Task<int> RunPendingAsync(CancellationToken cancellationToken)
    {
        int finished = 0;
        foreach (var move in await index.ListPendingMovesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await RunAsync(move, cancellationToken).ConfigureAwait(false) == MoveOutcome.Done)
            {
                finished++;
            }
        }
        return finished;
    }

    /// <summary>Takes the move (unless another worker holds it) and carries it as far as it goes now.</summary>
    public async Task<MoveOutcome> RunAsync(TierMove move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(move);
        var now = time.GetUtcNow();
        if (!await index.ClaimMoveAsync(move.Id, now, now + options.Value.MoveLease, cancellationToken).ConfigureAwait(false))
        {
            return MoveOutcome.Busy;
        }
        try
        {
            var outcome = await MoveAsync(move, cancellationToken).ConfigureAwait(false);
            LogMoved(logger, move.Id, move.StudyInstanceUid, move.Target, outcome);
            return outcome;
        }
        catch (FileNotFoundException e)
        {
            // A blob the index references is gone from every tier: no retry brings it back; an operator must look.
            LogFailed(logger, move.Id, move.StudyInstanceUid, e);
            await index.FailMoveAsync(move.Id, e.Message, CancellationToken.None).ConfigureAwait(false);
            return MoveOutcome.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store or the index did not answer: the move stays pending and is taken up again at the next poll.
            LogInterrupted(logger, move.Id, move.StudyInstanceUid, e);
            return MoveOutcome.Waiting;
        }
        finally
        {
            // Let the next poll (of any replica) take it at once; a crash instead leaves the hold to run out.
            try
            {
                await RenewAsync(move.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogInterrupted(logger, move.Id, move.StudyInstanceUid, e);
            }
        }
    }

    /// <summary>Extends (or, with now, gives up) the hold this worker has on the move, whoever's it was.</summary>
    private Task RenewAsync(long id, DateTimeOffset until, CancellationToken cancellationToken) =>
        index.ClaimMoveAsync(id, DateTimeOffset.MaxValue, until, cancellationToken);

    private async Task<MoveOutcome> MoveAsync(TierMove move, CancellationToken cancellationToken)
    {
        var studyBlobs = await index.ListStudyBlobsAsync(move.StudyInstanceUid, cancellationToken).ConfigureAwait(false);
        var keptOnline = move.Target == BlobTier.Archive ? Representatives(studyBlobs) : [];
        bool waiting = false;
        var renewed = time.GetUtcNow();
        foreach (var blob in studyBlobs)
        {
            var tier = keptOnline.Contains(blob.SopInstanceUid) ? ThumbnailTier : move.Target;
            if (blob.Tier != tier)
            {
                if (!await blobs.PlaceAsync(blob.BlobKey, tier, cancellationToken).ConfigureAwait(false))
                {
                    waiting = true;
                    continue;
                }
                await index.SetInstanceTierAsync(blob.SopInstanceUid, blob.BlobKey, tier, cancellationToken).ConfigureAwait(false);
            }
            // Also when the index already said so: a crash may have come between recording the tier and releasing the source.
            await blobs.ReleaseAsync(blob.BlobKey, tier, cancellationToken).ConfigureAwait(false);

            var now = time.GetUtcNow();
            if (now - renewed > options.Value.MoveLease / 3)
            {
                if (await index.GetMoveAsync(move.Id, cancellationToken).ConfigureAwait(false) is not { IsPending: true })
                {
                    return MoveOutcome.Superseded;
                }
                await RenewAsync(move.Id, now + options.Value.MoveLease, cancellationToken).ConfigureAwait(false);
                renewed = now;
            }
        }
        if (waiting)
        {
            return MoveOutcome.Waiting;
        }
        return await index.CompleteMoveAsync(move.Id, cancellationToken).ConfigureAwait(false) ? MoveOutcome.Done : MoveOutcome.Superseded;
    }

    /// <summary>The middle image of each series: what the series' thumbnail shows (and the study's, from its first series).</summary>
    public static HashSet<string> Representatives(IReadOnlyList<StudyBlob> studyBlobs)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in studyBlobs.Where(b => b.IsImage).GroupBy(b => b.SeriesInstanceUid, StringComparer.Ordinal))
        {
            var images = series.ToList();
            kept.Add(images[images.Count / 2].SopInstanceUid);
        }
        return kept;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier move {MoveId} of study {Study} to {Tier}: {Outcome}")]
    private static partial void LogMoved(ILogger logger, long moveId, string study, BlobTier tier, MoveOutcome outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tier move {MoveId} of study {Study} failed: a blob is missing from every tier")]
    private static partial void LogFailed(ILogger logger, long moveId, string study, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier move {MoveId} of study {Study} was interrupted; it is resumed at the next poll")]
    private static partial void LogInterrupted(ILogger logger, long moveId, string study, Exception exception);
}

public enum MoveOutcome
{
    /// <summary>Every blob is in the target tier and the study's tier flipped.</summary>
    Done,
    /// <summary>Some blobs are still on their way (rehydration), or the store did not answer; the move stays pending.</summary>
    Waiting,
    /// <summary>Another worker holds the move.</summary>
    Busy,
    /// <summary>A newer move of the study replaced this one.</summary>
    Superseded,
    Failed,
}
