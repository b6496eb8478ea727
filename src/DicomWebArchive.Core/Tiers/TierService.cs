using DicomWebArchive.Core.Blobs;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// The administrator's view of tiers, protocol-neutral: a study's storage, moving it, running the lifecycle policy, and
/// the report of what each tier holds and costs.
/// </summary>
public sealed class TierService(ITierIndex index, IBlobStore blobs, TierMover mover, IOptions<LifecycleOptions> options, TimeProvider time)
{
    public Task<StudyStorage?> GetStudyAsync(string studyInstanceUid, CancellationToken cancellationToken) =>
        index.GetStudyStorageAsync(studyInstanceUid, cancellationToken);

    public Task<TierMove?> GetMoveAsync(long id, CancellationToken cancellationToken) => index.GetMoveAsync(id, cancellationToken);

    /// <summary>
    /// Moves the study to <paramref name="tier"/>. Between online tiers the move is carried out before this returns
    /// (unless another worker holds it); to and from archive it is started and runs in the background. Null when the
    /// study is not stored.
    /// </summary>
    /// <exception cref="TierUnavailableException">The blob store has no such tier.</exception>
    public async Task<TierChange?> ChangeTierAsync(ArchiveCaller caller, string studyInstanceUid, BlobTier tier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!blobs.Tiers.Contains(tier))
        {
            throw new TierUnavailableException($"The blob store has no {tier} tier" +
                (tier == BlobTier.Archive ? ": set Storage:Blobs:ArchiveRoot (a folder standing in for offline storage) to archive on the filesystem." : "."));
        }
        var current = await index.GetStudyStorageAsync(studyInstanceUid, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }
        caller.Audit.Touched(studyInstanceUid, null, null, null, 0);
        var move = await index.StartMoveAsync(studyInstanceUid, tier, TierMoveReason.Admin, caller.Subject ?? caller.Name, cancellationToken).ConfigureAwait(false);
        if (move is null)
        {
            return null;
        }
        if (tier == BlobTier.Archive || current.Tier == BlobTier.Archive)
        {
            mover.Wake();
            return new TierChange(move, Completed: false);
        }
        var outcome = await mover.RunAsync(move, cancellationToken).ConfigureAwait(false);
        if (outcome != MoveOutcome.Done)
        {
            mover.Wake();
        }
        return new TierChange(await index.GetMoveAsync(move.Id, cancellationToken).ConfigureAwait(false) ?? move, outcome == MoveOutcome.Done);
    }

    /// <summary>Instances, bytes and the estimated monthly cost of each tier, from the index's sizes of the stored instances.</summary>
    public async Task<StorageReport> GetReportAsync(CancellationToken cancellationToken)
    {
        var usage = await index.GetUsageAsync(cancellationToken).ConfigureAwait(false);
        var prices = options.Value.PricePerGbMonth;
        var tiers = Enum.GetValues<BlobTier>().Select(tier =>
        {
            var found = usage.FirstOrDefault(u => u.Tier == tier) ?? new TierUsage(tier, 0, 0);
            decimal gb = found.Bytes / 1_000_000_000m;
            return new TierReport(tier, found.Instances, found.Bytes, prices[tier], decimal.Round(gb * prices[tier], 4));
        }).ToList();
        return new StorageReport(time.GetUtcNow(), options.Value.Currency, tiers, tiers.Sum(t => t.Instances), tiers.Sum(t => t.Bytes), tiers.Sum(t => t.MonthlyCost));
    }
}

/// <summary>A move as started or finished by <see cref="TierService.ChangeTierAsync"/>.</summary>
public sealed record TierChange(TierMove Move, bool Completed);

public sealed record TierReport(BlobTier Tier, long Instances, long Bytes, decimal PricePerGbMonth, decimal MonthlyCost);

public sealed record StorageReport(DateTimeOffset At, string Currency, IReadOnlyList<TierReport> Tiers, long Instances, long Bytes, decimal MonthlyCost);
