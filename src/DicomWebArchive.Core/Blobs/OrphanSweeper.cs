using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core.Blobs;

/// <summary>
/// Deletes blobs no index row references: left by a crash between blob commit and index commit, or by an index
/// commit that failed and whose blob could not be deleted. The grace period must exceed the longest time between
/// a blob's last write and its index commit, so an instance still being stored is never touched.
/// </summary>
public sealed class OrphanSweeper
{
    private readonly IBlobStore _blobs;
    private readonly IIndexStore _index;
    private readonly TimeProvider _time;

    public OrphanSweeper(IBlobStore blobs, IIndexStore index, TimeSpan gracePeriod, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(gracePeriod, TimeSpan.Zero);
        _blobs = blobs;
        _index = index;
        GracePeriod = gracePeriod;
        _time = timeProvider ?? TimeProvider.System;
    }

    public TimeSpan GracePeriod { get; }

    /// <summary>Returns how many blobs were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        await foreach (var key in _blobs.ListAsync(_time.GetUtcNow() - GracePeriod, cancellationToken).ConfigureAwait(false))
        {
            if (!await _index.IsBlobReferencedAsync(key, cancellationToken).ConfigureAwait(false))
            {
                await _blobs.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        return deleted;
    }
}
