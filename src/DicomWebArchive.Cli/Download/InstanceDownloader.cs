using System.Net;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Download;

internal enum DownloadStatus
{
    Downloaded,
    Present,
    Failed,
}

internal sealed record DownloadOutcome(InstanceRef Instance, DownloadStatus Status, long Bytes, string? Detail = null);

/// <summary>
/// Fetches single instances with WADO-RS as stored (transfer-syntax=*). Bytes go to "{sop}.dcm.part" and the file is
/// renamed only once complete and flushed, so a file with the final name is always whole: a second run skips it.
/// </summary>
internal sealed class InstanceDownloader(DicomWebClient client, string outputDirectory)
{
    private const string SinglePart = "application/dicom; transfer-syntax=*";
    private const string Multipart = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    // Set once a server refuses a bare application/dicom; from then on every instance is asked for as multipart.
    private volatile bool _multipart;

    public async Task<DownloadOutcome> FetchAsync(InstanceRef instance, Action<long> received, CancellationToken cancellationToken)
    {
        string final = Path.Combine(outputDirectory, instance.RelativePath);
        if (File.Exists(final))
        {
            return new DownloadOutcome(instance, DownloadStatus.Present, new FileInfo(final).Length);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(final)!);
        string part = final + ".part";
        for (int attempt = 0; ; attempt++)
        {
            long attemptBytes = 0;
            try
            {
                long bytes = await TryFetchAsync(instance, part, n =>
                {
                    attemptBytes += n;
                    received(n);
                }, cancellationToken).ConfigureAwait(false);
                File.Move(part, final, overwrite: true);
                return new DownloadOutcome(instance, DownloadStatus.Downloaded, bytes);
            }
            catch (Exception ex) when (Retry.IsTransient(ex, cancellationToken))
            {
                received(-attemptBytes);
                if (attempt >= client.Retries)
                {
                    TryDelete(part);
                    return new DownloadOutcome(instance, DownloadStatus.Failed, 0, client.Unreachable(ex).Message);
                }
                await Task.Delay(Retry.Delay(attempt, null), cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadFailure failure)
            {
                TryDelete(part);
                return new DownloadOutcome(instance, DownloadStatus.Failed, 0, failure.Message);
            }
            catch
            {
                TryDelete(part);
                throw;
            }
        }
    }

    private async Task<long> TryFetchAsync(InstanceRef instance, string part, Action<long> received, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(instance, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var sink = new FileSink(part, received);
        if (MultipartReader.Boundary(response.Content.Headers.ContentType) is { } boundary)
        {
            await MultipartReader.CopyFirstPartAsync(body, boundary, sink, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await body.CopyToAsync(sink, 256 * 1024, cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is { } length && length != sink.Length)
            {
                throw new IOException($"the response ended after {sink.Length} of {length} bytes");
            }
        }
        if (sink.Length == 0)
        {
            throw new DownloadFailure("the server sent an empty instance");
        }
        sink.Commit();
        return sink.Length;
    }

    private async Task<HttpResponseMessage> SendAsync(InstanceRef instance, CancellationToken cancellationToken)
    {
        while (true)
        {
            bool multipart = _multipart;
            var response = await Retry.SendAsync(client.Http, () => client.Get(instance.ResourcePath, multipart ? Multipart : SinglePart),
                HttpCompletionOption.ResponseHeadersRead, client.Retries, null, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            using (response)
            {
                if (!multipart && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotAcceptable or HttpStatusCode.UnsupportedMediaType)
                {
                    _multipart = true;
                    continue;
                }
                var failure = await client.FailureAsync(response, cancellationToken).ConfigureAwait(false);
                // Without access nothing else will download either: stop, rather than fail every instance alike.
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw failure;
                }
                throw new DownloadFailure(failure.Message);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>This instance cannot be had (the server said why); the others go on.</summary>
    private sealed class DownloadFailure(string message) : Exception(message);
}
