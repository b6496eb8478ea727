using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Core.Tiers;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// Renders frames of stored instances the caller may see: reads the blob's header (stopping at Pixel Data), reads the
/// frame's byte ranges located by the frame table, decodes, applies the LUTs and encodes. Any instance whose blob is
/// online renders, so thumbnails of an archived study (whose representative instances stay online) keep working.
/// </summary>
public sealed class RenderService(IIndexReader index, IBlobStore blobs, StudyTiering tiering)
{
    private static readonly DicomReaderOptions HeaderOptions = new() { PixelData = PixelDataHandling.Stop };

    // A frame larger than this is not rendered: no viewer wants it, and it bounds memory per request.
    private const long MaxFrameBytes = 512L * 1024 * 1024;

    /// <summary>The image instances (those with Rows and Columns) <paramref name="scope"/> names, in index order; null when it names nothing the caller may see.</summary>
    public async Task<IReadOnlyList<InstanceRecord>?> FindImagesAsync(ArchiveCaller caller, InstanceScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var instances = await index.ListInstancesAsync(scope, caller.Access, cancellationToken);
        Retrieve.RetrieveService.Note(caller, scope, instances.Count, instances.Count > 0 ? instances[0].PatientId : null);
        if (instances.Count == 0)
        {
            return null;
        }
        await tiering.NoteAccessAsync(scope.StudyInstanceUid, cancellationToken);
        return [.. instances.Where(i => i.Rows > 0 && i.Columns > 0)];
    }

    /// <summary>One frame of the instance <paramref name="scope"/> names; null when the caller may see no such instance.</summary>
    /// <exception cref="RenderingException">The instance or frame cannot be rendered.</exception>
    public async Task<RenderedImage?> RenderAsync(ArchiveCaller caller, InstanceScope scope, int frameNumber, RenderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await index.ListInstancesAsync(scope, caller.Access, cancellationToken);
        Retrieve.RetrieveService.Note(caller, scope, found.Count, found.Count > 0 ? found[0].PatientId : null);
        if (found.Count == 0)
        {
            return null;
        }
        await tiering.NoteAccessAsync(scope.StudyInstanceUid, cancellationToken);
        return await RenderAsync(found[0], frameNumber, options, cancellationToken);
    }

    /// <summary>
    /// The first frame of a representative instance of a study or series (the middle image of its first series with
    /// images); null when the scope names nothing the caller may see.
    /// </summary>
    /// <exception cref="RenderingException">The study or series holds no image, or it cannot be rendered.</exception>
    public async Task<RenderedImage?> RenderThumbnailAsync(ArchiveCaller caller, InstanceScope scope, RenderOptions options, CancellationToken cancellationToken)
    {
        var images = await FindImagesAsync(caller, scope, cancellationToken);
        if (images is null)
        {
            return null;
        }
        if (images.Count == 0)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"The {(scope.SeriesInstanceUid is null ? "study" : "series")} holds no image instance to show.");
        }
        var ofFirstSeries = images.Where(i => i.SeriesInstanceUid == images[0].SeriesInstanceUid).ToList();
        return await RenderAsync(ofFirstSeries[ofFirstSeries.Count / 2], 1, options, cancellationToken);
    }

    /// <param name="frameNumber">One-based, as in the URL.</param>
    /// <exception cref="RenderingException">The instance or frame cannot be rendered.</exception>
    /// <exception cref="StudyOfflineException">The instance's blob is archived.</exception>
    public async Task<RenderedImage> RenderAsync(InstanceRecord instance, int frameNumber, RenderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        await tiering.EnsureOnlineAsync(instance.StudyInstanceUid, [BlobTiers.FromIndexValue(instance.Tier)], cancellationToken);
        var syntax = TransferSyntax.Lookup(instance.TransferSyntaxUid);
        if (!FrameDecoder.CanDecode(syntax))
        {
            throw FrameDecoder.CannotRender(syntax);
        }
        var stream = await OpenAsync(instance, cancellationToken);
        await using (stream)
        {
            var file = await DicomReader.ReadAsync(stream, HeaderOptions, cancellationToken);
            if (file.PixelData is null)
            {
                throw new RenderingException(RenderingFailure.NotRenderable, "The instance has no pixel data to render.");
            }
            if (file.PixelData.Tag != DicomTags.PixelData)
            {
                throw new RenderingException(RenderingFailure.NotRenderable, "Float and Double Float Pixel Data are not rendered.");
            }
            var description = ImageDescription.FromDataset(file.Dataset).ForFrame(file.Dataset, frameNumber);
            var frame = syntax.IsDeflated
                ? await ReadDeflatedFrameAsync(instance, description, frameNumber, cancellationToken)
                : await ReadFrameAsync(stream, instance, syntax, file.PixelData, description, frameNumber, cancellationToken);
            var decoded = FrameDecoder.Decode(syntax, description, frame.Bytes, frame.FirstBit, words: file.PixelData.VR == DicomVR.OW);
            using var bitmap = FrameRenderer.Render(decoded, options.Window);
            return ImageEncoder.Encode(bitmap, options);
        }
    }

    private async Task<Stream> OpenAsync(InstanceRecord instance, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(instance.BlobKey, cancellationToken)
            ?? throw new InvalidOperationException($"The blob of instance {instance.SopInstanceUid} is missing.");

    private async Task<(byte[] Bytes, int FirstBit)> ReadFrameAsync(
        Stream stream, InstanceRecord instance, TransferSyntax syntax, PixelDataInfo pixelData, ImageDescription description, int frameNumber, CancellationToken cancellationToken)
    {
        ByteRange[] ranges;
        if (instance.FrameTable is { Length: > 0 } encoded)
        {
            var table = FrameTable.Decode(encoded);
            CheckFrameNumber(frameNumber, Math.Min(table.Count, description.NumberOfFrames));
            ranges = table[frameNumber - 1];
        }
        else if (pixelData.Frames.Count > 0)
        {
            CheckFrameNumber(frameNumber, Math.Min(pixelData.Frames.Count, description.NumberOfFrames));
            ranges = pixelData.Frames[frameNumber - 1];
        }
        else
        {
            throw new RenderingException(RenderingFailure.NotRenderable, "The frames of the instance's pixel data cannot be located.");
        }
        int firstBit = description.BitsAllocated == 1 ? (int)((frameNumber - 1) * FrameDecoder.NativeFrameBits(description) % 8) : 0;
        if (syntax.IsBigEndian && pixelData.VR == DicomVR.OW && description.BitsAllocated < 16 && ranges is [var native])
        {
            // Bytes of big-endian OW pair up in words counted from the value's start: read whole words around the frame.
            long valueEnd = pixelData.ValueOffset + pixelData.ValueLength;
            long start = native.Offset - ((native.Offset - pixelData.ValueOffset) & 1);
            long end = Math.Min(valueEnd, native.End + ((native.End - pixelData.ValueOffset) & 1));
            firstBit += (int)(native.Offset - start) * 8;
            ranges = [new ByteRange(start, end - start)];
        }
        long total = 0;
        foreach (var range in ranges)
        {
            total += range.Length;
        }
        if (total > MaxFrameBytes)
        {
            throw new RenderingException(RenderingFailure.NotRenderable, $"The frame is too large to render ({total} bytes).");
        }
        var bytes = new byte[total];
        if (stream.CanSeek)
        {
            await ReadRangesAsync(stream, ranges, bytes, -1, cancellationToken);
        }
        else
        {
            // The header reader consumed an unknown amount of a forward-only stream: read just the frame's span.
            var span = Retrieve.BlobRanges.Span(ranges);
            var frame = await blobs.OpenReadAsync(instance.BlobKey, span, cancellationToken)
                ?? throw new InvalidOperationException($"The blob of instance {instance.SopInstanceUid} is missing.");
            await using (frame)
            {
                await ReadRangesAsync(frame, ranges, bytes, span.Offset, cancellationToken);
            }
        }
        return (bytes, firstBit);
    }

    // Deflated data sets have no byte ranges in the blob: inflate and load, then cut the frame out of the value.
    private async Task<(byte[] Bytes, int FirstBit)> ReadDeflatedFrameAsync(InstanceRecord instance, ImageDescription description, int frameNumber, CancellationToken cancellationToken)
    {
        CheckFrameNumber(frameNumber, description.NumberOfFrames);
        var stream = await OpenAsync(instance, cancellationToken);
        await using (stream)
        {
            var file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Load, MaxInlineValueLength = (int)MaxFrameBytes }, cancellationToken);
            var value = file.Dataset.Find(DicomTags.PixelData)?.Value ?? ReadOnlyMemory<byte>.Empty;
            long frameBits = FrameDecoder.NativeFrameBits(description);
            long firstBitOfFrame = (frameNumber - 1) * frameBits;
            long start = firstBitOfFrame / 8;
            long end = Math.Min(value.Length, (firstBitOfFrame + frameBits + 7) / 8);
            if (start >= end)
            {
                throw new RenderingException(RenderingFailure.NotRenderable, "The pixel data is shorter than its frames.");
            }
            return (value[(int)start..(int)end].ToArray(), (int)(firstBitOfFrame % 8));
        }
    }

    private static void CheckFrameNumber(int frameNumber, int count)
    {
        if (frameNumber < 1 || frameNumber > count)
        {
            throw new RenderingException(RenderingFailure.FrameNotFound, $"Frame {frameNumber} does not exist; the instance has {count} frame{(count == 1 ? "" : "s")}.");
        }
    }

    /// <param name="position">The stream's position when it cannot seek, else -1.</param>
    private static async Task ReadRangesAsync(Stream stream, ByteRange[] ranges, byte[] bytes, long position, CancellationToken cancellationToken)
    {
        int filled = 0;
        foreach (var range in ranges)
        {
            if (position < 0)
            {
                stream.Position = range.Offset;
            }
            else
            {
                await SkipAsync(stream, range.Offset - position, cancellationToken);
                position = range.End;
            }
            await stream.ReadExactlyAsync(bytes.AsMemory(filled, (int)range.Length), cancellationToken);
            filled += (int)range.Length;
        }
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        if (count < 0)
        {
            throw new InvalidOperationException("Frame ranges are not in blob order.");
        }
        var buffer = new byte[Math.Min(count, 81920)];
        while (count > 0)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }
            count -= read;
        }
    }
}
