using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private static async Task<IResult> RetrieveFramesAsync(HttpContext context, IIndexReader index, IBlobStore blobs, string study, string series, string instance, string frames)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var cancellationToken = context.RequestAborted;
        var record = await FindInstanceAsync(index, study, series, instance, cancellationToken);
        if (record is null)
        {
            return NotFound(study, series, instance);
        }
        if (PixelFrames(record) is not { } table)
        {
            return NoFrames(record);
        }
        if (!FrameList.TryParse(frames, table.Count, out var indexes, out string error))
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }
        var negotiated = RetrieveNegotiator.NegotiatePixels(AcceptedRanges(context.Request), Syntax(record), indexes.Length == 1);
        if (negotiated.Value is not { } representation)
        {
            return Problem(StatusCodes.Status406NotAcceptable, negotiated.Problem!);
        }
        var parts = indexes.Select(i => (IReadOnlyList<ByteRange>)table[i]).ToList();
        return await SendPixelsAsync(context, blobs, record, representation, parts, null);
    }

    private static async Task<IResult> RetrieveBulkDataAsync(HttpContext context, IIndexReader index, IBlobStore blobs, string study, string series, string instance, string? path)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        if (!BulkDataPath.TryParse(path, out var tagPath))
        {
            return Problem(StatusCodes.Status400BadRequest, $"'{Shorten(path ?? "")}' is not a bulk data path: tags are 8 hex digits, item indexes decimal (e.g. 7FE00010 or 00540016/0/00181074).");
        }
        var cancellationToken = context.RequestAborted;
        var record = await FindInstanceAsync(index, study, series, instance, cancellationToken);
        if (record is null)
        {
            return NotFound(study, series, instance);
        }
        string location = context.Request.Scheme + "://" + context.Request.Host + context.Request.PathBase + context.Request.Path;
        var stored = Syntax(record);

        // Pixel Data straight from the frame table: no parsing.
        if (tagPath.IsPixelData && PixelFrames(record) is { } table)
        {
            var frames = Enumerable.Range(0, table.Count).Select(i => table[i]).ToList();
            // Clients ask for Pixel Data bulk data as plain octet-stream (dicomweb-client does); the archive holds only the
            // stored form and §8.7.3 lets it send that, so a range without a transfer-syntax takes what is stored.
            var ranges = AcceptedRanges(context.Request).Select(r => r.TransferSyntax is null ? r with { TransferSyntax = MediaRange.AnyTransferSyntax } : r).ToList();
            var negotiated = RetrieveNegotiator.NegotiatePixels(ranges, stored, singleItem: !stored.IsEncapsulated || table.Count == 1);
            if (negotiated.Value is not { } pixels)
            {
                return Problem(StatusCodes.Status406NotAcceptable, negotiated.Problem!);
            }
            // Native pixel data is one value; compressed pixel data is one part per frame (PS3.18 §8.7.3.3.2).
            List<IReadOnlyList<ByteRange>> parts = stored.IsEncapsulated ? [.. frames] : [[.. frames.SelectMany(f => f)]];
            return await SendPixelsAsync(context, blobs, record, pixels, parts, location);
        }

        var bulk = RetrieveNegotiator.NegotiateBulkData(AcceptedRanges(context.Request));
        if (bulk.Value is not { } representation)
        {
            return Problem(StatusCodes.Status406NotAcceptable, bulk.Problem!);
        }
        var blob = await OpenBlobAsync(blobs, record, cancellationToken);
        await using (blob)
        {
            var value = await BulkDataLocator.LocateAsync(blob, stored, tagPath, record.BitsAllocated ?? 16, cancellationToken);
            if (value is null)
            {
                return Problem(StatusCodes.Status404NotFound, $"Instance {instance} has no bulk data value at {tagPath}.");
            }
            if (value.Inline is { } inline)
            {
                return await SendBytesAsync(context, representation, inline, location);
            }
            return await SendRangesAsync(context, blob, representation, value.Ranges, value.SwapUnit, location);
        }
    }

    private static FrameTable? PixelFrames(InstanceRecord record) =>
        record.FrameTable is { } bytes && FrameTable.Decode(bytes) is { Count: > 0 } table ? table : null;

    private static IResult NoFrames(InstanceRecord record) =>
        record.PixelDataOffset is null
            ? Problem(StatusCodes.Status404NotFound, $"Instance {record.SopInstanceUid} has no pixel data.")
            : Problem(StatusCodes.Status406NotAcceptable, Syntax(record).IsDeflated
                ? $"Instance {record.SopInstanceUid} is stored as {Syntax(record).Name}; its frames are not served separately: retrieve the instance."
                : $"The frames of instance {record.SopInstanceUid} could not be located when it was stored; retrieve the instance or its Pixel Data bulk data.");

    /// <summary>Big-endian native frames go out little endian, by Bits Allocated.</summary>
    private static int SwapUnit(InstanceRecord record) =>
        Syntax(record) is { IsBigEndian: true, IsEncapsulated: false } && record.BitsAllocated is 16 or 32 or 64 ? record.BitsAllocated.Value / 8 : 1;

    private static async Task<IResult> SendPixelsAsync(HttpContext context, IBlobStore blobs, InstanceRecord record, PixelRepresentation representation, List<IReadOnlyList<ByteRange>> parts, string? location)
    {
        var cancellationToken = context.RequestAborted;
        var blob = await OpenBlobAsync(blobs, record, cancellationToken);
        await using (blob)
        {
            if (representation.Shape == RetrieveShape.SinglePart)
            {
                return await SendRangesAsync(context, blob, representation, parts[0], SwapUnit(record), location);
            }
            var response = context.Response;
            string boundary = MultipartWriter.NewBoundary();
            response.ContentType = MultipartWriter.ContentType(representation.MediaType, boundary);
            var multipart = new MultipartWriter(response.BodyWriter, boundary);
            foreach (var ranges in parts)
            {
                multipart.BeginPart(PartContentType(representation), location);
                await BlobRanges.CopyAsync(blob, ranges, response.Body, SwapUnit(record), cancellationToken);
                multipart.EndPart();
            }
            await multipart.CloseAsync(cancellationToken);
            return Results.Empty;
        }
    }

    private static string PartContentType(PixelRepresentation representation) => $"{representation.MediaType}; transfer-syntax={representation.TransferSyntaxUid}";

    /// <summary>A value made of blob ranges: multipart with one part, or single part honouring an HTTP Range header.</summary>
    private static async Task<IResult> SendRangesAsync(HttpContext context, Stream blob, PixelRepresentation representation, IReadOnlyList<ByteRange> ranges, int swapUnit, string? location)
    {
        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        long length = BlobRanges.Length(ranges);
        if (representation.Shape == RetrieveShape.Multipart)
        {
            string boundary = MultipartWriter.NewBoundary();
            response.ContentType = MultipartWriter.ContentType(representation.MediaType, boundary);
            var multipart = new MultipartWriter(response.BodyWriter, boundary);
            multipart.BeginPart(PartContentType(representation), location);
            await BlobRanges.CopyAsync(blob, ranges, response.Body, swapUnit, cancellationToken);
            multipart.EndPart();
            await multipart.CloseAsync(cancellationToken);
            return Results.Empty;
        }

        response.Headers.AcceptRanges = "bytes";
        var range = ByteRangeRequest.Parse(context.Request.Headers.Range.ToString(), length);
        if (range.Unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{length}";
            return Problem(StatusCodes.Status416RangeNotSatisfiable, $"The requested range lies outside the value's {length} bytes.");
        }
        response.ContentType = PartContentType(representation);
        if (range.Start is long start)
        {
            long count = range.Length;
            // Swapped words must stay whole: a range starting inside a word is widened to the word, then trimmed.
            long alignedStart = start - (start % swapUnit);
            long alignedEnd = Math.Min(length, start + count + ((swapUnit - ((start + count) % swapUnit)) % swapUnit));
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + count - 1}/{length}";
            response.ContentLength = count;
            var trim = new TrimStream(response.Body, start - alignedStart, count);
            await BlobRanges.CopyAsync(blob, BlobRanges.Slice(ranges, alignedStart, alignedEnd - alignedStart).ToList(), trim, swapUnit, cancellationToken);
            return Results.Empty;
        }
        response.ContentLength = length;
        await BlobRanges.CopyAsync(blob, ranges, response.Body, swapUnit, cancellationToken);
        return Results.Empty;
    }

    private static async Task<IResult> SendBytesAsync(HttpContext context, PixelRepresentation representation, ReadOnlyMemory<byte> value, string location)
    {
        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        if (representation.Shape == RetrieveShape.Multipart)
        {
            string boundary = MultipartWriter.NewBoundary();
            response.ContentType = MultipartWriter.ContentType(representation.MediaType, boundary);
            var multipart = new MultipartWriter(response.BodyWriter, boundary);
            multipart.BeginPart(PartContentType(representation), location);
            await response.Body.WriteAsync(value, cancellationToken);
            multipart.EndPart();
            await multipart.CloseAsync(cancellationToken);
            return Results.Empty;
        }
        response.Headers.AcceptRanges = "bytes";
        var range = ByteRangeRequest.Parse(context.Request.Headers.Range.ToString(), value.Length);
        if (range.Unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{value.Length}";
            return Problem(StatusCodes.Status416RangeNotSatisfiable, $"The requested range lies outside the value's {value.Length} bytes.");
        }
        response.ContentType = PartContentType(representation);
        if (range.Start is long start)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + range.Length - 1}/{value.Length}";
            value = value.Slice((int)start, (int)range.Length);
        }
        response.ContentLength = value.Length;
        await response.Body.WriteAsync(value, cancellationToken);
        return Results.Empty;
    }
}
