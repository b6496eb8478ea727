using System.Net.Http.Headers;
using System.Text;

namespace DicomWebArchive.Cli.Common;

/// <summary>
/// Takes the body of the first part out of a multipart response, streaming: for servers that answer a single
/// instance only as multipart/related (Orthanc's plugin refuses a bare application/dicom).
/// </summary>
internal sealed class MultipartReader
{
    private readonly Stream _input;
    private readonly byte[] _delimiter;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private int _start;
    private int _end;

    private MultipartReader(Stream input, string boundary)
    {
        _input = input;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        // A line break before the body lets the first boundary match the same delimiter as the others.
        _buffer[0] = (byte)'\r';
        _buffer[1] = (byte)'\n';
        _end = 2;
    }

    public static string? Boundary(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true
            ? contentType.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"')
            : null;

    /// <summary>Copies the first part's body to <paramref name="sink"/>; fails when the response ends before the part does.</summary>
    public static async Task CopyFirstPartAsync(Stream input, string boundary, Stream sink, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(input, boundary);
        if (!await reader.CopyUntilAsync(reader._delimiter, null, cancellationToken).ConfigureAwait(false)
            || !await reader.CopyUntilAsync("\r\n\r\n"u8.ToArray(), null, cancellationToken).ConfigureAwait(false)
            || !await reader.CopyUntilAsync(reader._delimiter, sink, cancellationToken).ConfigureAwait(false))
        {
            throw new IOException("the multipart response ended in the middle of a part");
        }
    }

    /// <summary>Moves past the next <paramref name="marker"/>, copying what comes before it to <paramref name="sink"/> (if any).</summary>
    private async Task<bool> CopyUntilAsync(byte[] marker, Stream? sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            int found = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
            if (found >= 0)
            {
                if (sink is not null)
                {
                    await sink.WriteAsync(_buffer.AsMemory(_start, found), cancellationToken).ConfigureAwait(false);
                }
                _start += found + marker.Length;
                return true;
            }
            // Everything but a tail that could be the start of the marker is body.
            int safe = Math.Max(0, _end - _start - (marker.Length - 1));
            if (sink is not null && safe > 0)
            {
                await sink.WriteAsync(_buffer.AsMemory(_start, safe), cancellationToken).ConfigureAwait(false);
            }
            _start += safe;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            int read = await _input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }
            _end += read;
        }
    }
}
