using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>An Azure blob store that does not answer: the server starts but is not ready, naming the setting; requests answer 503 and store nothing.</summary>
public sealed class BlobStoreFailureTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Test]
    public async Task Start_AzureAccountDoesNotAnswer_NotReadyNamingTheSettingAndStowIs503StoringNothing()
    {
        using var data = new TempDirectory("dwa-noblobs-");
        string connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;";
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Blobs:Provider=Azure", $"--Storage:Blobs:Azure:ConnectionString={connectionString}",
            "--Storage:Blobs:Azure:MaxRetries=1", "--Storage:Blobs:Azure:RetryDelay=00:00:00.1", "--Storage:Blobs:Azure:NetworkTimeout=00:00:05");
        using var client = server.CreateClient();

        using (var ready = await client.GetAsync("/health/ready"))
        {
            string body = await ready.Content.ReadAsStringAsync();
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(body, Does.Contain("Storage:Blobs:Azure:ConnectionString"));
            Assert.That(body, Does.Not.Contain(AccountKey));
        }
        string study = TestDicom.NewUid();
        var store = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(study, TestDicom.NewUid(), TestDicom.NewUid()).AddImage(64, 64, 1).ToArrayWithPixelData(64 * 64 * 2, seed: 3)]));
        using var search = await client.GetAsync($"/dicomweb/studies?StudyInstanceUID={study}");

        Assert.That(store.Status, Is.EqualTo(503), store.ToString);
        Assert.That(store.Failed.Single().Reason, Is.EqualTo(0xA700));
        Assert.That(store.Body, Does.Not.Contain(AccountKey));
        Assert.That((int)search.StatusCode, Is.EqualTo(200).Or.EqualTo(204), "the index answers");
        string found = await search.Content.ReadAsStringAsync();
        Assert.That(found.Length == 0 || JsonDocument.Parse(found).RootElement.GetArrayLength() == 0, Is.True, "nothing indexed: " + found);
        Assert.That(server.Output, Does.Contain("Storage:Blobs:Azure:ConnectionString"), "the log names the setting");
        Assert.That(server.Output, Does.Not.Contain(AccountKey));
    }
}
