using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// Writes a multipart/related body (RFC 2387) part by part into the response pipe. Part headers are buffered, not
/// flushed: they go out with the part's content.
/// </summary>
internal sealed class MultipartWriter(PipeWriter pipe, string boundary)
{
    public static string NewBoundary() => "dwa-" + Guid.NewGuid().ToString("N");

    public static string ContentType(string partType, string boundary) => $"multipart/related; type=\"{partType}\"; boundary={boundary}";

    /// <summary>The delimiter and headers that open a part.</summary>
    public byte[] PartHeader(string contentType, string? contentLocation)
    {
        var header = new StringBuilder().Append("--").Append(boundary).Append("\r\nContent-Type: ").Append(contentType).Append("\r\n");
        if (contentLocation is not null)
        {
            header.Append("Content-Location: ").Append(contentLocation).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(header.Append("\r\n").ToString());
    }

    public void BeginPart(byte[] header) => pipe.Write(header);

    /// <summary>Bytes a body of parts with these headers and content lengths takes, for Content-Length.</summary>
    public long BodyLength(IEnumerable<byte[]> headers, long contentLength) => headers.Sum(h => h.Length + 2L) + contentLength + boundary.Length + 6;

    public void EndPart() => pipe.Write("\r\n"u8);

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        pipe.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        await pipe.FlushAsync(cancellationToken);
    }
}
