using DicomWebArchive.Core.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Tiers;

/// <summary>
/// Sends studies nobody opened or stored into for long enough to a colder tier, by the rules of
/// <see cref="LifecycleOptions"/>. It only ever cools studies down (reads bring them back) and leaves alone a study with
/// a move in progress. It records the moves; <see cref="TierMover"/> carries them out.
/// </summary>
public sealed partial class LifecyclePolicy(ITierIndex index, IBlobStore blobs, TierMover mover, IOptions<LifecycleOptions> options, TimeProvider time, ILogger<LifecyclePolicy> logger)
{
    private const int PageSize = 500;

    /// <summary>Records the moves the policy calls for now and returns them.</summary>
    public async Task<IReadOnlyList<TierMove>> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = new List<TierMove>();
        if (settings.ShortestWait is not { } shortest)
        {
            return started;
        }
        var now = time.GetUtcNow();
        var busy = (await index.ListPendingMovesAsync(cancellationToken).ConfigureAwait(false)).Select(m => m.StudyInstanceUid).ToHashSet(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            var page = await index.ListIdleStudiesAsync(now.AddDays(-shortest), after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var study in page)
            {
                var target = settings.RuleFor(study.Modalities).TierAfter((now - study.LastActivity).TotalDays);
                // A store without that tier (no archive root) keeps the study in the coldest tier it has below it.
                while (target > study.Tier && !blobs.Tiers.Contains(target))
                {
                    target--;
                }
                if (target > study.Tier && !busy.Contains(study.StudyInstanceUid)
                    && await index.StartMoveAsync(study.StudyInstanceUid, target, TierMoveReason.Lifecycle, null, cancellationToken).ConfigureAwait(false) is { } move)
                {
                    started.Add(move);
                }
            }
            if (page.Count < PageSize)
            {
                break;
            }
            after = page[^1].Id;
        }
        LogRun(logger, started.Count);
        if (started.Count > 0)
        {
            mover.Wake();
        }
        return started;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifecycle policy started {Count} move(s)")]
    private static partial void LogRun(ILogger logger, int count);
}
