using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DicomWebArchive.Cli.Tests.Support;

/// <summary>
/// A loopback HTTP server answering as the test says: for what no real server here does on demand (ask for a
/// token, answer 503 once) and to see the headers the tool sends.
/// </summary>
internal sealed class TestHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, int, Task> _answer;
    private readonly Task _loop;
    private int _count;

    /// <param name="answer">Writes the response to the n-th request (counted from 0).</param>
    public TestHttpServer(Func<HttpListenerContext, int, Task> answer)
    {
        _answer = answer;
        int port = FreePort();
        Root = $"http://127.0.0.1:{port}/dicomweb";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Root { get; }

    /// <summary>Method, path and query, and headers of every request, in order of arrival.</summary>
    public ConcurrentQueue<(string Method, string Url, WebHeaderCollection Headers)> Requests { get; } = new();

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var headers = new WebHeaderCollection { context.Request.Headers };
            Requests.Enqueue((context.Request.HttpMethod, context.Request.RawUrl ?? "", headers));
            await context.Request.InputStream.CopyToAsync(Stream.Null);
            await _answer(context, Interlocked.Increment(ref _count) - 1);
            context.Response.Close();
        }
    }
}
