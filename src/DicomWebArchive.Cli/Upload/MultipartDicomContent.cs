using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace DicomWebArchive.Cli.Upload;

/// <summary>
/// A multipart/related; type="application/dicom" body written straight from the files as the socket takes it: no
/// batch is ever held in memory. Its length is known up front, so it goes out with Content-Length, not chunked.
/// </summary>
internal sealed class MultipartDicomContent : HttpContent
{
    private const int BufferSize = 256 * 1024;
    private readonly IReadOnlyList<DicomSource> _sources;
    private readonly Action<long> _sent;
    private readonly byte[] _partHeader;
    private readonly byte[] _end;

    /// <param name="sent">Told of every chunk of instance bytes handed to the connection.</param>
    public MultipartDicomContent(IReadOnlyList<DicomSource> sources, Action<long> sent)
    {
        _sources = sources;
        _sent = sent;
        string boundary = "dicomweb-" + Guid.NewGuid().ToString("N");
        _partHeader = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        _end = Encoding.ASCII.GetBytes($"--{boundary}--\r\n");
        Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={boundary}");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var reader = new SourceReader();
        try
        {
            foreach (var source in _sources)
            {
                await stream.WriteAsync(_partHeader, cancellationToken).ConfigureAwait(false);
                await using (var input = reader.Open(source))
                {
                    long copied = 0;
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        copied += read;
                        _sent(read);
                    }
                    if (copied != source.Length)
                    {
                        throw new IOException($"{source.Name} changed while it was being sent ({copied} bytes instead of {source.Length})");
                    }
                }
                await stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
            await stream.WriteAsync(_end, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _end.Length + _sources.Sum(s => _partHeader.Length + s.Length + 2);
        return true;
    }
}
