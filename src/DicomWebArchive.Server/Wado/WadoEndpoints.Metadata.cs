using System.IO.Compression;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private const string JsonMediaType = "application/dicom+json";

    private static async Task<IResult> RetrieveMetadataAsync(HttpContext context, IIndexReader index, string study, string? series, string? instance)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        if (!RetrieveNegotiator.AcceptsDicomJson(AcceptedRanges(context.Request)))
        {
            return Problem(StatusCodes.Status406NotAcceptable, $"Metadata is available as {JsonMediaType}.");
        }
        var cancellationToken = context.RequestAborted;
        var records = await FindAsync(index, study, series, instance, cancellationToken);
        if (records.Count == 0)
        {
            return NotFound(study, series, instance);
        }

        string root = ServiceRoot(context.Request);
        string etag = MetadataAssembler.ETag(records, root);
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.Vary = "Accept, Accept-Encoding";
        NoCache(response);
        if (IfNoneMatch(context.Request, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        response.ContentType = JsonMediaType;
        string? encoding = ChooseEncoding(context.Request);
        if (encoding is null)
        {
            await MetadataAssembler.WriteArrayAsync(response.Body, records, root, cancellationToken);
            return Results.Empty;
        }
        response.Headers.ContentEncoding = encoding;
        Stream compressed = encoding == "br"
            ? new BrotliStream(response.Body, CompressionLevel.Fastest, leaveOpen: true)
            : new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await using (compressed)
        {
            await MetadataAssembler.WriteArrayAsync(compressed, records, root, cancellationToken);
        }
        return Results.Empty;
    }

    private static bool IfNoneMatch(HttpRequest request, string etag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(','))
            {
                var tag = candidate.Trim();
                if (tag == "*" || tag == etag || (tag.StartsWith("W/", StringComparison.Ordinal) && tag[2..] == etag))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>br or gzip when the client takes them (q above zero), br first; null for identity.</summary>
    private static string? ChooseEncoding(HttpRequest request)
    {
        var accepted = StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var list) ? list : [];
        bool Takes(string name) => accepted.Any(e => e.Value.Equals(name, StringComparison.OrdinalIgnoreCase) && (e.Quality ?? 1) > 0);
        return Takes("br") ? "br" : Takes("gzip") ? "gzip" : null;
    }
}
