using System.IO.Compression;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Wado;

internal static partial class WadoEndpoints
{
    private const string DicomMediaType = "application/dicom";

    /// <summary>Query parameter asking for a DICOMDIR in an application/zip response.</summary>
    internal const string DicomDirParameter = "dicomdir";

    private static async Task<IResult> RetrieveInstancesAsync(HttpContext context, IIndexReader index, IBlobStore blobs, string study, string? series, string? instance)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
        }
        if (!TryParseDicomDir(context.Request, out bool dicomDir))
        {
            return Problem(StatusCodes.Status400BadRequest, $"{DicomDirParameter} must be 'true' or 'false', not '{Shorten(context.Request.Query[DicomDirParameter].ToString())}'.");
        }
        var cancellationToken = context.RequestAborted;
        var records = await FindContentsAsync(index, study, series, instance, cancellationToken);
        if (records.Count == 0)
        {
            return NotFound(study, series, instance);
        }
        var negotiated = RetrieveNegotiator.NegotiateInstances(AcceptedRanges(context.Request), records.Select(Syntax).Distinct().ToList(), instance is not null);
        if (negotiated.Value is not { } representation)
        {
            return Problem(StatusCodes.Status406NotAcceptable, negotiated.Problem!);
        }

        var response = context.Response;
        if (negotiated.Problem is { } omitted)
        {
            records = records.Where(r => representation.TargetFor(Syntax(r)) is not null).ToList();
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.Append(HeaderNames.Warning, $"299 {ServiceRoot(context.Request).TrimEnd('/')}: \"{omitted.Replace("\"", "'", StringComparison.Ordinal)} Those instances were left out.\"");
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
                await WriteInstanceAsync(response, blobs, record, target, cancellationToken);
                break;
            }
            case RetrieveShape.Zip:
            {
                MediaFileSet? fileSet = null;
                if (dicomDir)
                {
                    (records, fileSet) = await FileSetAsync(index, records, representation, study, series, instance, cancellationToken);
                }
                response.ContentType = "application/zip";
                response.Headers.ContentDisposition = $"attachment; filename=\"{(instance ?? series ?? study)}.zip\"";
                await WriteZipAsync(context, blobs, records, representation, fileSet, cancellationToken);
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
                    multipart.BeginPart(headers[i]);
                    await WriteInstanceAsync(response, blobs, records[i], targets[i], cancellationToken);
                    multipart.EndPart();
                }
                await multipart.CloseAsync(cancellationToken);
                break;
            }
        }
        return Results.Empty;
    }

    /// <summary>The stored bytes as they are (the preamble was zeroed at ingest), or converted from a native syntax.</summary>
    internal static async Task WriteInstanceAsync(Stream output, IBlobStore blobs, InstanceContent record, TransferSyntax target, CancellationToken cancellationToken)
    {
        var stored = Syntax(record);
        var blob = await OpenBlobAsync(blobs, record, cancellationToken);
        await using (blob)
        {
            if (target == stored)
            {
                await blob.CopyToAsync(output, 128 * 1024, cancellationToken);
            }
            else
            {
                await InstanceTranscoder.WriteAsync(blob, stored, target, output, cancellationToken);
            }
        }
    }

    /// <summary>As <see cref="WriteInstanceAsync(Stream, IBlobStore, InstanceContent, TransferSyntax, CancellationToken)"/>, stored bytes read straight into the response pipe's buffers.</summary>
    internal static async Task WriteInstanceAsync(HttpResponse response, IBlobStore blobs, InstanceContent record, TransferSyntax target, CancellationToken cancellationToken)
    {
        if (target != Syntax(record))
        {
            await WriteInstanceAsync(response.Body, blobs, record, target, cancellationToken);
            return;
        }
        var blob = await OpenBlobAsync(blobs, record, cancellationToken);
        await using (blob)
        {
            var pipe = response.BodyWriter;
            while (true)
            {
                int read = await blob.ReadAsync(pipe.GetMemory(256 * 1024), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                pipe.Advance(read);
                if (pipe.UnflushedBytes >= 1024 * 1024)
                {
                    await pipe.FlushAsync(cancellationToken);
                }
            }
            await pipe.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// One .dcm per instance, named by UIDs (digits and dots only, checked at ingest), written as the response goes; or,
    /// with a file-set, the instances under their File IDs and the DICOMDIR last.
    /// </summary>
    private static async Task WriteZipAsync(HttpContext context, IBlobStore blobs, IReadOnlyList<InstanceContent> records, InstanceRepresentation representation, MediaFileSet? fileSet, CancellationToken cancellationToken)
    {
        // Built before the first byte goes out, so a DICOMDIR that cannot be made is an error response, not a cut-off zip.
        var directoryFile = fileSet?.WriteDicomDir();
        // ZipArchive's asynchronous path drops the data descriptors on a non-seekable stream (the central directory
        // then points past the data); its synchronous path is right, so allow synchronous writes for this response.
        if (context.Features.Get<IHttpBodyControlFeature>() is { } bodyControl)
        {
            bodyControl.AllowSynchronousIO = true;
        }
        var output = new BufferedStream(context.Response.Body, 64 * 1024);
        await using (output)
        {
            using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var record in records)
                {
                    // DICOM pixel data rarely shrinks enough to pay for the CPU; store the files as they are.
                    string name = fileSet?.PathOf(record.SopInstanceUid) ?? $"{record.StudyInstanceUid}/{record.SeriesInstanceUid}/{record.SopInstanceUid}.dcm";
                    var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                    using var stream = entry.Open();
                    await WriteInstanceAsync(stream, blobs, record, representation.TargetFor(Syntax(record))!, cancellationToken);
                }
                if (directoryFile is not null)
                {
                    var directory = zip.CreateEntry(MediaFileSet.DicomDirPath, CompressionLevel.Optimal);
                    using var stream = directory.Open();
                    await stream.WriteAsync(directoryFile, cancellationToken);
                }
            }
            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The file-set of a zip with a DICOMDIR, whose records need the full index rows of the instances sent; the
    /// instances are those of both listings, so the zip and its DICOMDIR agree even when the index changed in between.
    /// </summary>
    private static async Task<(IReadOnlyList<InstanceContent> Records, MediaFileSet FileSet)> FileSetAsync(IIndexReader index,
        IReadOnlyList<InstanceContent> sent, InstanceRepresentation representation, string study, string? series, string? instance, CancellationToken cancellationToken)
    {
        var wanted = sent.Select(r => r.SopInstanceUid).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<InstanceRecord> rows = instance is null
            ? await index.ListInstancesAsync(study, series, cancellationToken)
            : await FindInstanceAsync(index, study, series, instance, cancellationToken) is { } one ? [one] : [];
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

    private static void NoCache(HttpResponse response) => response.Headers[HeaderNames.CacheControl] = "no-cache";
}
