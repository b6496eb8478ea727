using DicomWebArchive.Core;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private static async Task<IResult> RetrieveFramesAsync(WadoRequest request, string study, string series, string instance, string frames)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var scope = new InstanceScope(study, series, instance);
        var pixels = await request.Retrieve.FindPixelsAsync(request.Caller, scope, request.Aborted);
        if (pixels is null)
        {
            return Problems.NotStored(scope);
        }
        if (pixels.FrameCount == 0)
        {
            return NoFrames(pixels);
        }
        if (!FrameList.TryParse(frames, pixels.FrameCount, out var indexes, out string error))
        {
            return Problems.BadRequest(error);
        }
        var negotiated = RetrieveNegotiator.NegotiatePixels(MediaType.ParseAccept(request.Http.Request), pixels.Syntax, indexes.Length == 1);
        if (negotiated.Value is not { } representation)
        {
            return Problems.NotAcceptable(negotiated.Problem!);
        }
        return await SendAsync(request, representation, [.. indexes.Select(pixels.Frame)], location: null);
    }

    private static async Task<IResult> RetrieveBulkDataAsync(WadoRequest request, string study, string series, string instance, string? path)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        if (!BulkDataPath.TryParse(path, out var tagPath))
        {
            return Problems.BadRequest($"'{Problems.Shorten(path ?? "")}' is not a bulk data path: tags are 8 hex digits, item indexes decimal (e.g. 7FE00010 or 00540016/0/00181074).");
        }
        var scope = new InstanceScope(study, series, instance);
        var pixels = await request.Retrieve.FindPixelsAsync(request.Caller, scope, request.Aborted);
        if (pixels is null)
        {
            return Problems.NotStored(scope);
        }
        var http = request.Http.Request;
        string location = http.Scheme + "://" + http.Host + http.PathBase + http.Path;

        // Pixel Data straight from the frame table: no parsing.
        if (tagPath.IsPixelData && pixels.FrameCount > 0)
        {
            var stored = pixels.Syntax;
            // Clients ask for Pixel Data bulk data as plain octet-stream (dicomweb-client does); the archive holds only the
            // stored form and §8.7.3 lets it send that, so a range without a transfer-syntax takes what is stored.
            var ranges = MediaType.ParseAccept(http).Select(r => r.TransferSyntax is null ? r.WithTransferSyntax(MediaType.AnyTransferSyntax) : r).ToList();
            var negotiated = RetrieveNegotiator.NegotiatePixels(ranges, stored, singleItem: !stored.IsEncapsulated || pixels.FrameCount == 1);
            if (negotiated.Value is not { } representation)
            {
                return Problems.NotAcceptable(negotiated.Problem!);
            }
            // Native pixel data is one value; compressed pixel data is one part per frame (PS3.18 §8.7.3.3.2).
            List<StoredValue> parts = stored.IsEncapsulated ? [.. Enumerable.Range(0, pixels.FrameCount).Select(pixels.Frame)] : [pixels.AllFrames()];
            return await SendAsync(request, representation, parts, location);
        }

        var bulk = RetrieveNegotiator.NegotiateBulkData(MediaType.ParseAccept(http));
        if (bulk.Value is not { } octets)
        {
            return Problems.NotAcceptable(bulk.Problem!);
        }
        var value = await request.Retrieve.FindBulkDataAsync(pixels.Instance, tagPath, request.Aborted);
        if (value is null)
        {
            return Problems.NotFound($"Instance {instance} has no bulk data value at {tagPath}.");
        }
        return await SendAsync(request, octets, [value], location);
    }

    private static IResult NoFrames(InstancePixels pixels) =>
        !pixels.HasPixelData
            ? Problems.NotFound($"Instance {pixels.Instance.SopInstanceUid} has no pixel data.")
            : Problems.NotAcceptable(pixels.Syntax.IsDeflated
                ? $"Instance {pixels.Instance.SopInstanceUid} is stored as {pixels.Syntax.Name}; its frames are not served separately: retrieve the instance."
                : $"The frames of instance {pixels.Instance.SopInstanceUid} could not be located when it was stored; retrieve the instance or its Pixel Data bulk data.");

    private static string PartContentType(PixelRepresentation representation) => $"{representation.MediaType}; transfer-syntax={representation.TransferSyntaxUid}";

    /// <summary>Values as multipart/related, one part each; or one value as a single part honouring an HTTP Range header.</summary>
    private static async Task<IResult> SendAsync(WadoRequest request, PixelRepresentation representation, IReadOnlyList<StoredValue> values, string? location)
    {
        var response = request.Http.Response;
        if (representation.Shape == RetrieveShape.Multipart)
        {
            string boundary = MultipartWriter.NewBoundary();
            response.ContentType = MultipartWriter.ContentType(representation.MediaType, boundary);
            var multipart = new MultipartWriter(response.BodyWriter, boundary);
            var header = multipart.PartHeader(PartContentType(representation), location);
            foreach (var value in values)
            {
                await value.CopyToAsync(response.Body, header, request.Aborted);
                multipart.EndPart();
            }
            await multipart.CloseAsync(request.Aborted);
            return Results.Empty;
        }

        var single = values[0];
        response.Headers.AcceptRanges = "bytes";
        var range = ByteRangeRequest.Parse(request.Http.Request.Headers.Range.ToString(), single.Length);
        if (range.Unsatisfiable)
        {
            response.Headers.ContentRange = $"bytes */{single.Length}";
            return Problems.Of(StatusCodes.Status416RangeNotSatisfiable, $"The requested range lies outside the value's {single.Length} bytes.");
        }
        response.ContentType = PartContentType(representation);
        if (range.Start is long start)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + range.Length - 1}/{single.Length}";
            response.ContentLength = range.Length;
            await single.CopyToAsync(response.Body, start, range.Length, request.Aborted);
            return Results.Empty;
        }
        response.ContentLength = single.Length;
        await single.CopyToAsync(response.Body, request.Aborted);
        return Results.Empty;
    }
}
