using System.Data.Common;
using System.Net;
using Azure.Storage.Blobs.Models;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>An archive's Azure blob store reached through a proxy in front of Azurite, for tests that make the store fail.</summary>
internal static class ProxiedAzurite
{
    /// <summary>Where Azurite listens; ignores the calling test when the account is not a plain-http emulator a proxy can stand in front of.</summary>
    public static IPEndPoint Endpoint(TestBlobStorage blobs)
    {
        var endpoint = BlobEndpoint(ConnectionString(blobs));
        if (endpoint is { Scheme: "http" } && IPAddress.TryParse(endpoint.Host, out var address))
        {
            return new IPEndPoint(address, endpoint.Port);
        }
        Assert.Ignore($"Azure: the account {BlobProviders.Variable} names is not an emulator on a plain-http IP endpoint (BlobEndpoint=http://127.0.0.1:port/account), which the proxy needs.");
        return null!;
    }

    /// <summary>Server arguments for the store's container, reached at the proxy's port, with the given Storage:Blobs:Azure settings.</summary>
    public static string[] Arguments(TestBlobStorage blobs, int proxyPort, params (string Key, string Value)[] azure)
    {
        string connectionString = ConnectionString(blobs);
        var endpoint = BlobEndpoint(connectionString)!;
        string proxied = new UriBuilder(endpoint) { Port = proxyPort }.Uri.ToString().TrimEnd('/');
        // Rewritten in place: a connection string builder would quote the account key, which the SDK does not read back.
        string throughProxy = string.Join(';', connectionString.Split(';').Select(pair => pair.StartsWith("BlobEndpoint=", StringComparison.OrdinalIgnoreCase) ? "BlobEndpoint=" + proxied : pair));
        var overridden = azure.Select(a => $"Storage:Blobs:Azure:{a.Key}").Append("Storage:Blobs:Azure:ConnectionString").ToHashSet();
        return
        [
            .. blobs.Settings.Where(s => !overridden.Contains(s.Key)).Select(s => $"--{s.Key}={s.Value}"),
            $"--Storage:Blobs:Azure:ConnectionString={throughProxy}",
            .. azure.Select(a => $"--Storage:Blobs:Azure:{a.Key}={a.Value}"),
        ];
    }

    /// <summary>The names of the committed blobs in the store's container, listed straight from Azurite; uploads never committed are not blobs.</summary>
    public static async Task<List<string>> CommittedBlobsAsync(TestBlobStorage blobs)
    {
        var names = new List<string>();
        await foreach (var item in blobs.Container!.GetBlobsAsync())
        {
            names.Add(item.Name);
        }
        return names;
    }

    /// <summary>Blobs with staged blocks that were never committed.</summary>
    public static async Task<List<string>> UncommittedBlobsAsync(TestBlobStorage blobs)
    {
        var committed = (await CommittedBlobsAsync(blobs)).ToHashSet();
        var names = new List<string>();
        await foreach (var item in blobs.Container!.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
        {
            if (!committed.Contains(item.Name))
            {
                names.Add(item.Name);
            }
        }
        return names;
    }

    private static string ConnectionString(TestBlobStorage blobs) => blobs.Settings.Single(s => s.Key == "Storage:Blobs:Azure:ConnectionString").Value;

    private static Uri? BlobEndpoint(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.TryGetValue("BlobEndpoint", out var value) && Uri.TryCreate(value as string, UriKind.Absolute, out var uri) ? uri : null;
    }
}
