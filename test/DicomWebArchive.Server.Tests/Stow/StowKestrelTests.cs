using System.Net.Sockets;
using System.Text;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>The built server as its own process behind real Kestrel on a loopback port.</summary>
public sealed class StowKestrelTests
{
    private string _dataDirectory = null!;
    private ServerProcess _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("dwa-kestrel-").FullName;
        _server = await ServerProcess.StartAsync(_dataDirectory, "--Storage:Sweeper:Enabled=false");
        _client = _server.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        // Also runs when start-up failed: then there is no server or client, but the directory must go.
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        TempDirectory.Delete(_dataDirectory);
    }

    [Test, Order(1)]
    public async Task PostStudies_CorpusOverLoopback_ValidStoredBrokenFailed()
    {
        var round = StowCorpusTests.Rounds()[0];
        var result = await StowRequests.PostAsync(_client, StowRequests.MultipartFiles(round.Select(e => e.Path)));

        await StowCorpusTests.AssertRoundAsync(round, result, _server.Archive, _client, () => _server.Output);
    }

    [Test, Order(2)]
    public async Task PostStudies_TwoGigabytePartDeclaredButClientDisconnects_NothingStoredAndServerReady()
    {
        int rowsBefore = _server.Archive.Instances().Count;
        const long pixelLength = 2L * 1024 * 1024 * 1024 - 4096;
        var header = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).AddImage(512, 512, 4096).ToArrayWithPixelDataHeader(pixelLength);
        var partHead = Encoding.ASCII.GetBytes($"--b\r\nContent-Type: application/dicom\r\n\r\n");
        long contentLength = partHead.Length + header.Length + pixelLength + 8;

        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /dicomweb/studies HTTP/1.1\r\nHost: {_server.BaseAddress.Authority}\r\n" +
                $"Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\nContent-Length: {contentLength}\r\n\r\n"));
            await stream.WriteAsync(partHead);
            await stream.WriteAsync(header);
            await stream.WriteAsync(new byte[8 << 20]);
            await WaitUntilAsync(() => _server.Archive.TemporaryBlobFiles().Count > 0, "the part to reach the blob store");
        }

        await WaitUntilAsync(() => _server.Archive.TemporaryBlobFiles().Count == 0, "the partial blob to be removed");
        Assert.That(_server.Archive.Instances(), Has.Count.EqualTo(rowsBefore));
        _server.Archive.AssertConsistent();
        Assert.That((int)(await _client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        var next = await StowRequests.PostAsync(_client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(next.Status, Is.EqualTo(200), "the server still stores after the disconnect");
    }

    [Test]
    public async Task PostStudies_BodyOverConfiguredLimit_413AndNothingStored()
    {
        string dataDirectory = Directory.CreateTempSubdirectory("dwa-limit-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDirectory, "--Server:MaxRequestBodySize=100000", "--Storage:Sweeper:Enabled=false");
            using var client = server.CreateClient();
            var large = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).AddImage(256, 256, 1).ToArrayWithPixelData(256 * 256 * 2, seed: 1);

            var result = await StowRequests.PostAsync(client, StowRequests.Multipart([large]));

            Assert.That(result.Status, Is.EqualTo(413), result.ToString);
            server.Archive.AssertConsistent();
            Assert.That(server.Archive.BlobFiles(), Is.Empty);
            var small = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
            Assert.That(small.Status, Is.EqualTo(200), small.ToString);
        }
        finally
        {
            TempDirectory.Delete(dataDirectory);
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
            await Task.Delay(50);
        }
    }
}
