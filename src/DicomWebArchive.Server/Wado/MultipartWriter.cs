using System.Text;

namespace DicomWebArchive.Server.Wado;

/// <summary>Writes a multipart/related body (RFC 2387) part by part straight to the response.</summary>
internal sealed class MultipartWriter(Stream body, string boundary)
{
    public static string NewBoundary() => "dwa-" + Guid.NewGuid().ToString("N");

    public static string ContentType(string partType, string boundary) => $"multipart/related; type=\"{partType}\"; boundary={boundary}";

    public async Task BeginPartAsync(string contentType, string? contentLocation, CancellationToken cancellationToken)
    {
        var header = new StringBuilder().Append("--").Append(boundary).Append("\r\nContent-Type: ").Append(contentType).Append("\r\n");
        if (contentLocation is not null)
        {
            header.Append("Content-Location: ").Append(contentLocation).Append("\r\n");
        }
        header.Append("\r\n");
        await body.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), cancellationToken);
    }

    public Task EndPartAsync(CancellationToken cancellationToken) => body.WriteAsync("\r\n"u8.ToArray(), cancellationToken).AsTask();

    public Task CloseAsync(CancellationToken cancellationToken) =>
        body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), cancellationToken).AsTask();
}
