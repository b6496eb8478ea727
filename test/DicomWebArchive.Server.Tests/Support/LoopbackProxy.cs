using System.Net;
using System.Net.Sockets;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>
/// What the test proxies share: a listener on a loopback port in front of a service, each accepted connection served by
/// <see cref="ServeAsync"/> until the proxy is disposed, which waits for every one of them.
/// </summary>
internal abstract class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _serving = [];
    private readonly Task _accepting;

    protected LoopbackProxy(IPEndPoint upstream)
    {
        Upstream = upstream;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The service behind the proxy.</summary>
    protected IPEndPoint Upstream { get; }

    /// <summary>Cancelled when the proxy is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Guards the state of the proxy and of its connections.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>Serves one accepted connection; returns when it is done or <see cref="Stopping"/> is cancelled.</summary>
    protected abstract Task ServeAsync(Socket client);

    /// <summary>Called once the proxy stops accepting, before it waits for the connections being served.</summary>
    protected virtual void OnStopping()
    {
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        OnStopping();
        Task[] serving;
        lock (Gate)
        {
            serving = [.. _serving];
        }
        await Task.WhenAll([_accepting, .. serving]);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (Gate)
            {
                _serving.RemoveAll(t => t.IsCompleted);
                _serving.Add(ServeAsync(client));
            }
        }
    }
}
