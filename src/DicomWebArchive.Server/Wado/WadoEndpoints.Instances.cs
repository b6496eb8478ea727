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

    private static async Task<IResult> RetrieveInstancesAsync(HttpContext context, IIndexReader index, IBlobStore blobs, string study, string? series, string? instance)
    {
        if (CheckUids(study, series, instance) is { } invalid)
        {
            return invalid;
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
                response.ContentType = "application/zip";
                response.Headers.ContentDisposition = $"attachment; filename=\"{(instance ?? series ?? study)}.zip\"";
                await WriteZipAsync(context, blobs, records, representation, cancellationToken);
                break;
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
        if (target == stored)
        {
            var blob = await OpenBlobAsync(blobs, record, cancellationToken);
            await using (blob)
            {
                await blob.CopyToAsync(output, 128 * 1024, cancellationToken);
            }
            return;
        }
        await InstanceTranscoder.WriteAsync(ct => OpenBlobAsync(blobs, record, ct), stored, target, output, cancellationToken);
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

    /// <summary>One .dcm per instance, named by UIDs (digits and dots only, checked at ingest), written as the response goes.</summary>
    private static async Task WriteZipAsync(HttpContext context, IBlobStore blobs, IReadOnlyList<InstanceContent> records, InstanceRepresentation representation, CancellationToken cancellationToken)
    {
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
                    var entry = zip.CreateEntry($"{record.StudyInstanceUid}/{record.SeriesInstanceUid}/{record.SopInstanceUid}.dcm", CompressionLevel.NoCompression);
                    using var stream = entry.Open();
                    await WriteInstanceAsync(stream, blobs, record, representation.TargetFor(Syntax(record))!, cancellationToken);
                }
            }
            await output.FlushAsync(cancellationToken);
        }
    }

    private static void NoCache(HttpResponse response) => response.Headers[HeaderNames.CacheControl] = "no-cache";
}
