using System.Net;
using System.Net.Sockets;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>How a <see cref="CuttableProxy"/> loses the service behind it.</summary>
public enum ProxyCut
{
    /// <summary>Every connection reset (RST), and new ones reset as they come.</summary>
    Reset,

    /// <summary>
    /// Every connection left open with nothing forwarded either way, new ones accepted and left silent: a network that
    /// drops everything, where only the client's own timeout ends a request.
    /// </summary>
    Silent,
}

/// <summary>
/// A TCP proxy on a loopback port in front of a service (Azurite), which cuts every connection once a set number of
/// bytes has gone through it towards the service: a test loses the service at a known point of an upload, with no
/// timing involved. <see cref="Restore"/> lets new connections through again.
/// </summary>
internal sealed class CuttableProxy(IPEndPoint upstream) : LoopbackProxy(upstream)
{
    private readonly List<Link> _links = [];
    private long _forwarded;
    private long _cutAt = long.MaxValue;
    private ProxyCut _how;
    private ProxyCut? _cut;
    private TaskCompletionSource _cutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the cut armed by <see cref="CutAfter"/> has happened.</summary>
    public Task Cut
    {
        get
        {
            lock (Gate)
            {
                return _cutDone.Task;
            }
        }
    }

    /// <summary>Cuts every connection once <paramref name="bytes"/> more bytes have been forwarded towards the service.</summary>
    public void CutAfter(long bytes, ProxyCut how)
    {
        lock (Gate)
        {
            _cutAt = _forwarded + bytes;
            _how = how;
            _cutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The service is reachable again: the connections that were cut are closed, new ones are forwarded.</summary>
    public void Restore()
    {
        Link[] dead;
        lock (Gate)
        {
            _cut = null;
            _cutAt = long.MaxValue;
            dead = [.. _links.Where(l => l.Dead)];
        }
        foreach (var link in dead)
        {
            link.Close(reset: true);
        }
    }

    protected override void OnStopping()
    {
        Link[] links;
        lock (Gate)
        {
            links = [.. _links];
        }
        foreach (var link in links)
        {
            link.Close(reset: true);
        }
    }

    protected override async Task ServeAsync(Socket client)
    {
        var link = new Link(client);
        ProxyCut? cut;
        lock (Gate)
        {
            cut = _cut;
            link.Dead = cut is not null;
            _links.Add(link);
        }
        try
        {
            if (cut == ProxyCut.Reset)
            {
                return;
            }
            if (cut is null)
            {
                link.Upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await link.Upstream.ConnectAsync(Upstream, Stopping);
            }
            await Task.WhenAny(PumpAsync(link, towardsService: true), PumpAsync(link, towardsService: false));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (Gate)
            {
                _links.Remove(link);
            }
            link.Close(reset: link.Dead);
        }
    }

    /// <summary>Copies one direction of a link; a dead link's bytes are read and dropped (silent) until it is closed.</summary>
    private async Task PumpAsync(Link link, bool towardsService)
    {
        var from = towardsService ? link.Client : link.Upstream;
        if (from is null)
        {
            // A link accepted while silent has no service side: its client is read and ignored.
            await Task.Delay(Timeout.Infinite, Stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, Stopping);
                if (read == 0)
                {
                    return;
                }
                int forward = read;
                Link[]? cutNow = null;
                lock (Gate)
                {
                    if (link.Dead)
                    {
                        forward = 0;
                    }
                    else if (towardsService)
                    {
                        forward = (int)Math.Min(read, _cutAt - _forwarded);
                        _forwarded += forward;
                        if (_forwarded >= _cutAt && _cut is null)
                        {
                            _cut = _how;
                            cutNow = [.. _links];
                            foreach (var victim in cutNow)
                            {
                                victim.Dead = true;
                            }
                        }
                    }
                }
                var to = towardsService ? link.Upstream : link.Client;
                if (forward > 0 && to is not null)
                {
                    await to.SendAsync(buffer.AsMemory(0, forward), Stopping);
                }
                if (cutNow is not null)
                {
                    if (_how == ProxyCut.Reset)
                    {
                        foreach (var victim in cutNow)
                        {
                            victim.Close(reset: true);
                        }
                    }
                    lock (Gate)
                    {
                        _cutDone.TrySetResult();
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private sealed class Link(Socket client)
    {
        public Socket Client { get; } = client;

        public Socket? Upstream { get; set; }

        /// <summary>Cut: nothing more is forwarded on it.</summary>
        public bool Dead { get; set; }

        public void Close(bool reset)
        {
            foreach (var socket in new[] { Client, Upstream })
            {
                if (socket is null)
                {
                    continue;
                }
                try
                {
                    if (reset)
                    {
                        // Linger zero: close with RST, as a connection the network lost.
                        socket.LingerState = new LingerOption(true, 0);
                    }
                    socket.Close();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
