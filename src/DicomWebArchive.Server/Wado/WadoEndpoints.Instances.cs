using System.IO.Compression;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Server.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private const string DicomMediaType = "application/dicom";

    /// <summary>Query parameter asking for a DICOMDIR in an application/zip response.</summary>
    internal const string DicomDirParameter = "dicomdir";

    private static async Task<IResult> RetrieveInstancesAsync(WadoRequest request, string study, string? series, string? instance)
    {
        if (Problems.InvalidUid(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        var http = request.Http;
        if (!TryParseDicomDir(http.Request, out bool dicomDir))
        {
            return Problems.BadRequest($"{DicomDirParameter} must be 'true' or 'false', not '{Problems.Shorten(http.Request.Query[DicomDirParameter].ToString())}'.");
        }
        var scope = new InstanceScope(study, series, instance);
        var records = await request.Retrieve.FindAsync(request.Caller, scope, request.Aborted);
        if (records.Count == 0)
        {
            return Problems.NotStored(scope);
        }
        var negotiated = RetrieveNegotiator.NegotiateInstances(MediaType.ParseAccept(http.Request), records.Select(Syntax).Distinct().ToList(), instance is not null);
        if (negotiated.Value is not { } representation)
        {
            return Problems.NotAcceptable(negotiated.Problem!);
        }

        var response = http.Response;
        if (negotiated.Problem is { } omitted)
        {
            records = records.Where(r => representation.TargetFor(Syntax(r)) is not null).ToList();
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.Append(HeaderNames.Warning, $"299 {request.ServiceRoot}: \"{omitted.Replace("\"", "'", StringComparison.Ordinal)} Those instances were left out.\"");
        }
        switch (representation.Shape)
        {
            case RetrieveShape.SinglePart:
            {
                var record = records[0];
                var target = representation.TargetFor(Syntax(record))!;
                response.ContentType = $"{DicomMediaType}; transfer-syntax={target.Uid}";
                if (target == Syntax(record))
                {
                    response.ContentLength = record.Size;
                }
                await request.Retrieve.WriteAsync(record, target, response.BodyWriter, request.Aborted);
                break;
            }
            case RetrieveShape.Zip:
            {
                MediaFileSet? fileSet = null;
                if (dicomDir)
                {
                    (records, fileSet) = await FileSetAsync(request, records, representation, scope);
                }
                response.ContentType = "application/zip";
                response.Headers.ContentDisposition = $"attachment; filename=\"{(instance ?? series ?? study)}.zip\"";
                await WriteZipAsync(request, records, representation, fileSet);
                break;
            }
            default:
            {
                string boundary = MultipartWriter.NewBoundary();
                response.ContentType = MultipartWriter.ContentType(DicomMediaType, boundary);
                var multipart = new MultipartWriter(response.BodyWriter, boundary);
                var targets = records.Select(r => representation.TargetFor(Syntax(r))!).ToList();
                var headers = targets.Select(t => multipart.PartHeader($"{DicomMediaType}; transfer-syntax={t.Uid}", null)).ToList();
                if (records.Select(Syntax).SequenceEqual(targets))
                {
                    // Everything goes out as stored: the length is known, and the body needs no chunked framing.
                    response.ContentLength = multipart.BodyLength(headers, records.Sum(r => r.Size));
                }
                for (int i = 0; i < records.Count; i++)
                {
                    await request.Retrieve.WriteAsync(records[i], targets[i], response.BodyWriter, headers[i], request.Aborted);
                    multipart.EndPart();
                }
                await multipart.CloseAsync(request.Aborted);
                break;
            }
        }
        return Results.Empty;
    }

    /// <summary>
    /// One .dcm per instance, named by UIDs (digits and dots only, checked at ingest), written as the response goes; or,
    /// with a file-set, the instances under their File IDs and the DICOMDIR last.
    /// </summary>
    private static async Task WriteZipAsync(WadoRequest request, IReadOnlyList<InstanceContent> records, InstanceRepresentation representation, MediaFileSet? fileSet)
    {
        // Built before the first byte goes out, so a DICOMDIR that cannot be made is an error response, not a cut-off zip.
        var directoryFile = fileSet?.WriteDicomDir();
        // ZipArchive's asynchronous path drops the data descriptors on a non-seekable stream (the central directory
        // then points past the data); its synchronous path is right, so allow synchronous writes for this response.
        if (request.Http.Features.Get<IHttpBodyControlFeature>() is { } bodyControl)
        {
            bodyControl.AllowSynchronousIO = true;
        }
        // Until the buffer first fills nothing is sent: an unfinished zip is dropped, not flushed, so a first blob that
        // cannot be read is still an error answer rather than a broken zip.
        var output = new BufferedStream(request.Http.Response.Body, 64 * 1024);
        var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var record in records)
        {
            // DICOM pixel data rarely shrinks enough to pay for the CPU; store the files as they are.
            string name = fileSet?.PathOf(record.SopInstanceUid) ?? $"{record.StudyInstanceUid}/{record.SeriesInstanceUid}/{record.SopInstanceUid}.dcm";
            var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
            var stream = entry.Open();
            await request.Retrieve.WriteAsync(record, representation.TargetFor(Syntax(record))!, stream, request.Aborted);
            stream.Dispose();
        }
        if (directoryFile is not null)
        {
            var directory = zip.CreateEntry(MediaFileSet.DicomDirPath, CompressionLevel.Optimal);
            using var stream = directory.Open();
            await stream.WriteAsync(directoryFile, request.Aborted);
        }
        zip.Dispose();
        await output.DisposeAsync();
    }

    /// <summary>
    /// The file-set of a zip with a DICOMDIR, whose records need the full index rows of the instances sent; the
    /// instances are those of both listings, so the zip and its DICOMDIR agree even when the index changed in between.
    /// </summary>
    private static async Task<(IReadOnlyList<InstanceContent> Records, MediaFileSet FileSet)> FileSetAsync(
        WadoRequest request, IReadOnlyList<InstanceContent> sent, InstanceRepresentation representation, InstanceScope scope)
    {
        var wanted = sent.Select(r => r.SopInstanceUid).ToHashSet(StringComparer.Ordinal);
        var rows = await request.Retrieve.FindRecordsAsync(request.Caller, scope, request.Aborted);
        var kept = rows.Where(r => wanted.Contains(r.SopInstanceUid)).ToList();
        return (kept.ConvertAll(r => r.ToContent()), MediaFileSet.Create(kept, r => representation.TargetFor(Syntax(r))!));
    }

    /// <summary>The dicomdir query parameter (as dcm4chee-arc names it): absent or "false" for none.</summary>
    private static bool TryParseDicomDir(HttpRequest request, out bool dicomDir)
    {
        var values = request.Query[DicomDirParameter];
        dicomDir = false;
        if (values.Count == 0)
        {
            return true;
        }
        if (values.Count > 1)
        {
            return false;
        }
        dicomDir = string.Equals(values[0], "true", StringComparison.OrdinalIgnoreCase);
        return dicomDir || string.Equals(values[0], "false", StringComparison.OrdinalIgnoreCase);
    }
}
