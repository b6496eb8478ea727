using System.IO.Compression;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private const string JsonMediaType = "application/dicom+json";
    private const int MaxCachedInstances = 5000;

    private static async Task<IResult> RetrieveMetadataAsync(HttpContext context, IIndexReader index, string study, string? series, string? instance)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var ranges = AcceptedRanges(context.Request);
        bool xml = DicomXmlMultipart.Preferred(ranges);
        if (!xml && !RetrieveNegotiator.AcceptsDicomJson(ranges))
        {
            return Problem(StatusCodes.Status406NotAcceptable,
                $"Metadata is available as {JsonMediaType} or multipart/related; type=\"{DicomXmlMultipart.XmlMediaType}\".");
        }
        var cancellationToken = context.RequestAborted;
        var records = await FindContentsAsync(index, study, series, instance, cancellationToken);
        if (records.Count == 0)
        {
            return NotFound(study, series, instance);
        }

        string root = ServiceRoot(context.Request);
        string etag = MetadataAssembler.ETag(records, root);
        if (xml)
        {
            etag = etag.Insert(etag.Length - 1, "-xml"); // another representation, another strong validator
        }
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.Vary = "Accept, Accept-Encoding";
        NoCache(response);
        if (IfNoneMatch(context.Request, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        if (xml)
        {
            using var json = new MemoryStream();
            await MetadataAssembler.WriteArrayAsync(json, records, root, cancellationToken);
            json.Position = 0;
            using var document = await System.Text.Json.JsonDocument.ParseAsync(json, cancellationToken: cancellationToken);
            await DicomXmlMultipart.WriteAsync(response, document.RootElement, cancellationToken);
            return Results.Empty;
        }

        response.ContentType = JsonMediaType;
        string? encoding = ChooseEncoding(context.Request);
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }
        string coding = encoding ?? "identity";
        if (MetadataCache.Get(etag, coding) is { } cached)
        {
            response.ContentLength = cached.Length;
            await response.Body.WriteAsync(cached, cancellationToken);
            return Results.Empty;
        }
        // Large studies stream as they are assembled; the usual series is assembled once, kept, and sent with a length.
        bool keep = records.Count <= MaxCachedInstances;
        using var buffer = keep ? new MemoryStream() : null;
        var target = buffer ?? response.Body;
        Stream output = encoding switch
        {
            "gzip" => new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(target, CompressionLevel.Optimal, leaveOpen: true),
            _ => target,
        };
        await MetadataAssembler.WriteArrayAsync(output, records, root, cancellationToken);
        if (output != target)
        {
            await output.DisposeAsync(); // ends the compressed stream; the target stays open
        }
        if (buffer is not null)
        {
            var body = buffer.ToArray();
            MetadataCache.Set(etag, coding, body);
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, cancellationToken);
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

    /// <summary>gzip or br when the client takes them (q above zero); null for identity.</summary>
    private static string? ChooseEncoding(HttpRequest request)
    {
        var accepted = StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptEncoding, out var list) ? list : [];
        bool Takes(string name) => accepted.Any(e => e.Value.Equals(name, StringComparison.OrdinalIgnoreCase) && (e.Quality ?? 1) > 0);
        // gzip first: DICOM JSON of a series repeats itself within deflate's window and shrinks 50-fold, cheaply.
        return Takes("gzip") ? "gzip" : Takes("br") ? "br" : null;
    }
}
