using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private const string JsonMediaType = "application/dicom+json";

    private static async Task<IResult> RetrieveMetadataAsync(MetadataRequest request, string study, string? series, string? instance)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var http = request.Http;
        var ranges = MediaType.ParseAccept(http.Request);
        bool xml = DicomXmlMultipart.Preferred(ranges);
        if (!xml && !DicomXmlMultipart.AcceptsDicomJson(ranges))
        {
            return Problems.NotAcceptable($"Metadata is available as {JsonMediaType} or multipart/related; type=\"{DicomXmlMultipart.XmlMediaType}\".");
        }
        var caller = http.Caller();
        var cancellationToken = http.RequestAborted;
        var scope = new InstanceScope(study, series, instance);
        // The version comes from the index alone: a 304 or a cached body costs one small query.
        var version = await request.Metadata.GetVersionAsync(caller, scope, cancellationToken);
        if (version is null)
        {
            return Problems.NotStored(scope);
        }

        string root = DicomWebUrls.Root(http.Request, request.DicomWeb.Value) + "/";
        string etag = ETag(version, root, xml);
        var response = http.Response;
        response.Headers.ETag = etag;
        response.Headers.Vary = "Accept, Accept-Encoding";
        response.Headers.CacheControl = "no-cache";
        if (IfNoneMatch(http.Request, etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        string? encoding = xml ? null : ChooseEncoding(http.Request);
        string coding = encoding ?? "identity";
        if (!xml && request.Cache.Get(etag, coding) is { } cached)
        {
            response.ContentType = JsonMediaType;
            SetEncoding(response, encoding);
            response.ContentLength = cached.Length;
            await response.Body.WriteAsync(cached, cancellationToken);
            return Results.Empty;
        }
        var records = await request.Metadata.FindAsync(caller, scope, cancellationToken);
        if (records.Count == 0)
        {
            return Problems.NotStored(scope); // removed since the version was read
        }
        if (xml)
        {
            using var json = new MemoryStream();
            await MetadataService.WriteJsonAsync(json, records, root, cancellationToken);
            json.Position = 0;
            using var document = await System.Text.Json.JsonDocument.ParseAsync(json, cancellationToken: cancellationToken);
            await DicomXmlMultipart.WriteAsync(response, document.RootElement, cancellationToken);
            return Results.Empty;
        }

        response.ContentType = JsonMediaType;
        SetEncoding(response, encoding);
        // The usual series is assembled once, kept, and sent with a length; what the cache would not keep streams as assembled.
        bool keep = request.Cache.Accepts(records);
        using var buffer = keep ? new MemoryStream() : null;
        var target = buffer ?? response.Body;
        Stream output = encoding switch
        {
            "gzip" => new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true),
            "br" => new BrotliStream(target, CompressionLevel.Optimal, leaveOpen: true),
            _ => target,
        };
        await MetadataService.WriteJsonAsync(output, records, root, cancellationToken);
        if (output != target)
        {
            await output.DisposeAsync(); // ends the compressed stream; the target stays open
        }
        if (buffer is not null)
        {
            var body = buffer.ToArray();
            request.Cache.Set(etag, coding, body);
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, cancellationToken);
        }
        return Results.Empty;
    }

    /// <summary>
    /// A strong validator: the index's version of the scope, the root its BulkDataURIs are made absolute with, and the
    /// representation (JSON or XML).
    /// </summary>
    private static string ETag(string version, string root, bool xml)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(root), hash);
        return $"\"{version}-{Convert.ToHexStringLower(hash[..6])}{(xml ? "-xml" : "")}\"";
    }

    private static void SetEncoding(HttpResponse response, string? encoding)
    {
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }
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
