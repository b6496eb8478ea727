using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// A value of a stored instance (a frame, Pixel Data, another bulk data value): bytes already in memory, or ranges of
/// the instance's blob read through a ranged read and turned little endian on the way.
/// </summary>
public sealed class StoredValue
{
    private readonly IBlobStore? _blobs;
    private readonly string? _blobKey;
    private readonly IReadOnlyList<ByteRange> _ranges;
    private readonly int _swapUnit;
    private readonly ReadOnlyMemory<byte> _bytes;

    internal StoredValue(IBlobStore blobs, string blobKey, IReadOnlyList<ByteRange> ranges, int swapUnit)
    {
        _blobs = blobs;
        _blobKey = blobKey;
        _ranges = ranges;
        _swapUnit = Math.Max(1, swapUnit);
        Length = BlobRanges.Length(ranges);
    }

    internal StoredValue(ReadOnlyMemory<byte> bytes)
    {
        _ranges = [];
        _swapUnit = 1;
        _bytes = bytes;
        Length = bytes.Length;
    }

    public long Length { get; }

    public Task CopyToAsync(Stream output, CancellationToken cancellationToken) => CopyToAsync(output, 0, Length, cancellationToken);

    /// <summary>
    /// The whole value after <paramref name="partHeader"/> (a multipart part's delimiter and headers), which is written
    /// once the blob is open: a blob that cannot be read fails before anything of its part is written, so a first part
    /// can still become an error answer.
    /// </summary>
    public Task CopyToAsync(Stream output, ReadOnlyMemory<byte> partHeader, CancellationToken cancellationToken) => CopyToAsync(output, partHeader, 0, Length, cancellationToken);

    /// <summary>Copies bytes [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the value (a range a client asked for).</summary>
    public Task CopyToAsync(Stream output, long start, long count, CancellationToken cancellationToken) => CopyToAsync(output, ReadOnlyMemory<byte>.Empty, start, count, cancellationToken);

    private async Task CopyToAsync(Stream output, ReadOnlyMemory<byte> partHeader, long start, long count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + count, Length);
        if (_blobs is null)
        {
            await output.WriteAsync(partHeader, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(_bytes.Slice((int)start, (int)count), cancellationToken).ConfigureAwait(false);
            return;
        }
        // Swapped words must stay whole: a range starting or ending inside a word is widened to the word, then trimmed.
        long alignedStart = start - (start % _swapUnit);
        long alignedEnd = Math.Min(Length, start + count + ((_swapUnit - ((start + count) % _swapUnit)) % _swapUnit));
        var ranges = BlobRanges.Slice(_ranges, alignedStart, alignedEnd - alignedStart).ToList();
        if (ranges.Count == 0)
        {
            await output.WriteAsync(partHeader, cancellationToken).ConfigureAwait(false);
            return;
        }
        var span = BlobRanges.Span(ranges);
        var blob = await _blobs.OpenReadAsync(_blobKey!, span, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The blob of a stored instance is missing from the blob store.");
        await using (blob.ConfigureAwait(false))
        {
            await output.WriteAsync(partHeader, cancellationToken).ConfigureAwait(false);
            var target = start == alignedStart && count == alignedEnd - alignedStart ? output : new TrimStream(output, start - alignedStart, count);
            await BlobRanges.CopyAsync(blob, span.Offset, ranges, target, _swapUnit, cancellationToken).ConfigureAwait(false);
        }
    }
}
