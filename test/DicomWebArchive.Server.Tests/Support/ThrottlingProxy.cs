using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>
/// An HTTP/1.1 proxy on a loopback port in front of Azurite that answers chosen requests as a throttled storage
/// account does (503 or 429 with the ServerBusy error code) and forwards the others untouched, recording each request.
/// It serves one request per connection (it asks both sides to close after it), which keeps it small: no response
/// framing to follow.
/// </summary>
internal sealed class ThrottlingProxy(IPEndPoint upstream) : LoopbackProxy(upstream)
{
    public const string PutBlock = "PutBlock";
    public const string PutBlockList = "PutBlockList";
    public const string GetBlob = "GetBlob";

    private readonly List<Request> _seen = [];
    private string? _kind;
    private int _left;
    private int _status;

    /// <summary>A request the proxy saw: its kind, method and target, and the status it answered itself (null: forwarded).</summary>
    public sealed record Request(string Kind, string Method, string Target, int? Throttled);

    /// <summary>Answers the next <paramref name="times"/> requests of <paramref name="kind"/> with <paramref name="status"/>, and starts a new record.</summary>
    public void Throttle(string kind, int times, int status)
    {
        lock (Gate)
        {
            _kind = kind;
            _left = times;
            _status = status;
            _seen.Clear();
        }
    }

    public void StopThrottling()
    {
        lock (Gate)
        {
            _kind = null;
        }
    }

    /// <summary>The requests of <paramref name="kind"/> seen since <see cref="Throttle"/>, in order.</summary>
    public IReadOnlyList<Request> Seen(string kind)
    {
        lock (Gate)
        {
            return [.. _seen.Where(r => r.Kind == kind)];
        }
    }

    /// <summary>Put Block, Put Block List, Get Blob (a download, ranged or not), or the method and comp parameter of any other request.</summary>
    public static string KindOf(string method, string target)
    {
        var query = target.Contains('?', StringComparison.Ordinal) ? target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&') : [];
        string? comp = query.FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal))?[5..];
        bool container = query.Any(p => p.StartsWith("restype=", StringComparison.Ordinal));
        return (method, comp) switch
        {
            ("PUT", "block") => PutBlock,
            ("PUT", "blocklist") => PutBlockList,
            ("GET", null) when !container => GetBlob,
            _ => $"{method} {comp}",
        };
    }

    protected override async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var client = new NetworkStream(socket, ownsSocket: true);
            var (head, rest) = await ReadHeadAsync(client);
            if (head is null)
            {
                return;
            }
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            string method = requestLine[0], target = requestLine[1];
            var headers = lines.Skip(1).Where(l => l.Length > 0).ToList();
            string kind = KindOf(method, target);
            int? throttled = null;
            lock (Gate)
            {
                if (kind == _kind && _left > 0)
                {
                    throttled = _status;
                    _left--;
                }
                _seen.Add(new Request(kind, method, target, throttled));
            }
            if (throttled is int status)
            {
                await AnswerBusyAsync(client, socket, headers, rest, status);
                return;
            }

            using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await upstream.ConnectAsync(Upstream, Stopping);
            await using var service = new NetworkStream(upstream, ownsSocket: false);
            var forwarded = headers.Where(h => !IsHeader(h, "Connection") && !IsHeader(h, "Keep-Alive"));
            await service.WriteAsync(Encoding.ASCII.GetBytes($"{lines[0]}\r\n{string.Join("\r\n", forwarded)}\r\nConnection: close\r\n\r\n"), Stopping);
            await service.WriteAsync(rest, Stopping);
            using var requestDone = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            var body = client.CopyToAsync(service, requestDone.Token);
            // The service closes the connection after its answer (Connection: close): that ends the exchange.
            await service.CopyToAsync(client, Stopping);
            await requestDone.CancelAsync();
            await body.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
        }
    }

    /// <summary>The answer of a busy account: its status, the ServerBusy error code in a header and in the XML body.</summary>
    private async Task AnswerBusyAsync(NetworkStream client, Socket socket, List<string> headers, byte[] rest, int status)
    {
        // A client waiting for 100-continue sends no body after a final answer; otherwise the body is read first, so that
        // closing the connection does not turn into a reset the client sees instead of the answer.
        bool expectsContinue = headers.Any(h => IsHeader(h, "Expect") && h.Contains("100-continue", StringComparison.OrdinalIgnoreCase));
        string? length = headers.FirstOrDefault(h => IsHeader(h, "Content-Length"))?.Split(':', 2)[1].Trim();
        if (!expectsContinue && long.TryParse(length, out long contentLength))
        {
            long left = contentLength - rest.Length;
            var buffer = new byte[64 * 1024];
            while (left > 0)
            {
                int read = await client.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), Stopping);
                if (read == 0)
                {
                    break;
                }
                left -= read;
            }
        }
        string reason = status == 503 ? "Server Busy" : "Too Many Requests";
        byte[] body = Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is busy.{"\n"}RequestId:{Guid.NewGuid()}</Message></Error>""");
        string answer = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {body.Length}\r\n" +
            $"x-ms-error-code: ServerBusy\r\nx-ms-request-id: {Guid.NewGuid()}\r\nConnection: close\r\n\r\n";
        await client.WriteAsync(Encoding.ASCII.GetBytes(answer), Stopping);
        await client.WriteAsync(body, Stopping);
        socket.Shutdown(SocketShutdown.Send);
        // Wait for the client to close its side, so the answer is read before the connection goes.
        await client.CopyToAsync(Stream.Null, Stopping);
    }

    /// <summary>The request head (up to the blank line) and the bytes read past it; no head when the client closed first.</summary>
    private async Task<(string? Head, byte[] Past)> ReadHeadAsync(NetworkStream client)
    {
        var buffer = new byte[64 * 1024];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await client.ReadAsync(buffer.AsMemory(filled), Stopping);
            if (read == 0)
            {
                return (null, []);
            }
            filled += read;
            int end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..filled]);
            }
        }
        return (null, []);
    }

    private static bool IsHeader(string line, string name) =>
        line.Length > name.Length && line[name.Length] == ':' && line.StartsWith(name, StringComparison.OrdinalIgnoreCase);
}
