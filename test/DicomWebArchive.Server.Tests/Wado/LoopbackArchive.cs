using System.Net;
using DicomWebArchive.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>The real server pipeline on Kestrel at 127.0.0.1 and a port the OS picks, for clients outside the test process.</summary>
internal sealed class LoopbackArchive : IAsyncDisposable
{
    private readonly ArchiveFactory _factory;

    private LoopbackArchive(ArchiveFactory factory, Uri baseAddress)
    {
        _factory = factory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string DicomWebRoot => new Uri(BaseAddress, "/dicomweb").ToString();

    public static Task<LoopbackArchive> StartAsync(params (string Key, string Value)[] settings)
    {
        var factory = new ArchiveFactory(settings);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return Task.FromResult(new LoopbackArchive(factory, new Uri(addresses.First())));
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

    public ValueTask DisposeAsync()
    {
        _factory.Dispose();
        return ValueTask.CompletedTask;
    }
}
