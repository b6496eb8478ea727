using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>
/// An Azure blob store that fails: one that does not answer at start-up (the server starts but is not ready, naming the
/// setting), one lost in the middle of an upload, and one that throttles (the SDK's retries absorb what they can; past
/// them requests answer 503 with Retry-After). A failed request stores nothing and leaves no half blob.
/// </summary>
public sealed class BlobStoreFailureTests
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int MaxRetries = 2;
    private const string StoredDicom = "application/dicom; transfer-syntax=*";

    private ThrottledArchive? _throttled;

    [OneTimeTearDown]
    public async Task DisposeThrottledArchive()
    {
        if (_throttled is not null)
        {
            await _throttled.DisposeAsync();
        }
    }

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

    [TestCase(ProxyCut.Reset)]
    [TestCase(ProxyCut.Silent)]
    public async Task Stow_AzureLostMidUpload_503WithRetryAfterNothingStoredAndStoredAfterRestore(ProxyCut how)
    {
        await using var blobs = await TestBlobStorage.CreateAsync(BlobProviders.Azure);
        await using var proxy = new CuttableProxy(ProxiedAzurite.Endpoint(blobs));
        using var data = new TempDirectory("dwa-azure-cut-");
        await using var server = await ServerProcess.StartAsync(data.Path, ProxiedAzurite.Arguments(blobs, proxy.Port,
            ("BlockSize", "262144"), ("MaxRetries", "1"), ("RetryDelay", "00:00:00.1"), ("NetworkTimeout", "00:00:02")));
        using var client = server.CreateClient();
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), firstSop = TestDicom.NewUid(), largeSop = TestDicom.NewUid();
        var first = new TestDicom(study, series, firstSop).AddImage(64, 64, 1).ToArrayWithPixelData(64 * 64 * 2, seed: 1);
        var large = new TestDicom(study, series, largeSop).AddImage(1024, 1024, 3).ToArrayWithPixelData(1024 * 1024 * 2 * 3, seed: 2);
        var stored = await StowAsync(client, first);
        Assert.That(stored.Result.Status, Is.EqualTo(200), stored.Result.ToString);

        // Cut once a quarter of the large instance has gone towards the store: some blocks staged, the upload unfinished.
        proxy.CutAfter(large.Length / 4, how);
        var lost = await StowAsync(client, large);

        Assert.That(proxy.Cut.IsCompleted, Is.True, "the store was lost during the upload");
        Assert.That(lost.Result.Status, Is.EqualTo(503), lost.Result.ToString);
        Assert.That(lost.RetryAfter, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(lost.Result.Failed.Single().Reason, Is.EqualTo(0xA700));
        Assert.That(lost.Result.Failed.Single().SopInstance, Is.EqualTo(largeSop), "the failure names the instance: its header was read before the store was lost");
        Assert.That(await ProxiedAzurite.CommittedBlobsAsync(blobs), Has.Count.EqualTo(1), "no blob of the lost upload is committed");
        Assert.That(await ProxiedAzurite.UncommittedBlobsAsync(blobs), Has.Count.EqualTo(1), "the lost upload had staged blocks, never committed");
        Assert.That(await InstancesAsync(client, study), Is.EqualTo(new[] { firstSop }), "only the first instance is indexed");

        proxy.Restore();
        Assert.That(await RetrieveAsync(client, study, series, firstSop), Is.EqualTo(AsStored(first)), "the first instance reads back byte-identical");
        var again = await StowAsync(client, large);
        Assert.That(again.Result.Status, Is.EqualTo(200), again.Result.ToString);
        Assert.That(await InstancesAsync(client, study), Is.EquivalentTo(new[] { firstSop, largeSop }));
        Assert.That(await ProxiedAzurite.CommittedBlobsAsync(blobs), Has.Count.EqualTo(2));
        Assert.That(await RetrieveAsync(client, study, series, largeSop), Is.EqualTo(AsStored(large)));
    }

    [TestCase(503)]
    [TestCase(429)]
    public async Task Stow_ThrottledWithinTheRetries_StoredOnceAndByteIdentical(int status)
    {
        var archive = await ThrottledAsync();
        int blobsBefore = (await ProxiedAzurite.CommittedBlobsAsync(archive.Blobs)).Count;
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var instance = new TestDicom(study, series, sop).AddImage(256, 256, 2).ToArrayWithPixelData(256 * 256 * 2 * 2, seed: 3);

        archive.Proxy.Throttle(ThrottlingProxy.PutBlock, MaxRetries, status);
        var result = await StowAsync(archive.Client, instance);

        Assert.That(result.Result.Status, Is.EqualTo(200), result.Result.ToString);
        var blocks = archive.Proxy.Seen(ThrottlingProxy.PutBlock);
        Assert.That(blocks.Select(b => b.Throttled), Is.EqualTo(new int?[] { status, status, null }.Concat(Enumerable.Repeat<int?>(null, blocks.Count - 3))),
            "the first block was refused twice, then taken; the others at once");
        Assert.That(blocks.Take(MaxRetries + 1).Select(b => b.Target).Distinct().Count(), Is.EqualTo(1), "the refused block was retried by the SDK, not skipped");
        Assert.That(blocks.Select(b => b.Target).Distinct().Count(), Is.EqualTo(blocks.Count - MaxRetries), "every other block was sent once");
        Assert.That(archive.Proxy.Seen(ThrottlingProxy.PutBlockList), Has.Count.EqualTo(1), "the blob was committed once");
        Assert.That(await InstancesAsync(archive.Client, study), Is.EqualTo(new[] { sop }));
        Assert.That(await ProxiedAzurite.CommittedBlobsAsync(archive.Blobs), Has.Count.EqualTo(blobsBefore + 1), "stored exactly once");
        Assert.That(await RetrieveAsync(archive.Client, study, series, sop), Is.EqualTo(AsStored(instance)));
    }

    [Test]
    public async Task Stow_ThrottledBeyondTheRetries_503WithRetryAfterAfterEveryAttemptAndNothingStored()
    {
        var archive = await ThrottledAsync();
        int blobsBefore = (await ProxiedAzurite.CommittedBlobsAsync(archive.Blobs)).Count;
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var instance = new TestDicom(study, series, sop).AddImage(256, 256, 2).ToArrayWithPixelData(256 * 256 * 2 * 2, seed: 4);

        archive.Proxy.Throttle(ThrottlingProxy.PutBlock, int.MaxValue, 503);
        var result = await StowAsync(archive.Client, instance);
        var blocks = archive.Proxy.Seen(ThrottlingProxy.PutBlock);
        archive.Proxy.StopThrottling();

        Assert.That(result.Result.Status, Is.EqualTo(503), result.Result.ToString);
        Assert.That(result.RetryAfter, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(result.Result.Failed.Single().Reason, Is.EqualTo(0xA700));
        Assert.That(blocks, Has.Count.EqualTo(MaxRetries + 1), "one attempt and the configured retries");
        Assert.That(blocks.Select(b => b.Target).Distinct().Count(), Is.EqualTo(1), "all of them the first block");
        Assert.That(archive.Proxy.Seen(ThrottlingProxy.PutBlockList), Is.Empty, "nothing committed");
        Assert.That(await InstancesAsync(archive.Client, study), Is.Empty);
        Assert.That(await ProxiedAzurite.CommittedBlobsAsync(archive.Blobs), Has.Count.EqualTo(blobsBefore));

        var again = await StowAsync(archive.Client, instance);
        Assert.That(again.Result.Status, Is.EqualTo(200), "stored once the account takes requests again: " + again.Result);
    }

    [Test]
    public async Task Wado_InstanceReadsThrottledBeyondTheRetries_503WithRetryAfterAndAProblem()
    {
        var archive = await ThrottledAsync();
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var instance = new TestDicom(study, series, sop).AddImage(256, 256, 2).ToArrayWithPixelData(256 * 256 * 2 * 2, seed: 5);
        Assert.That((await StowAsync(archive.Client, instance)).Result.Status, Is.EqualTo(200));
        string path = $"/dicomweb/studies/{study}/series/{series}/instances/{sop}";

        archive.Proxy.Throttle(ThrottlingProxy.GetBlob, int.MaxValue, 503);
        var wado = await GetAsync(archive.Client, path, StoredDicom);
        var downloads = archive.Proxy.Seen(ThrottlingProxy.GetBlob);
        var wadoUri = await GetAsync(archive.Client, $"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}&contentType=application/dicom", "*/*");
        var frame = await GetAsync(archive.Client, $"{path}/frames/1", "application/octet-stream; transfer-syntax=*");
        archive.Proxy.StopThrottling();

        AssertUnavailable(wado, "WADO-RS instance");
        AssertUnavailable(wadoUri, "WADO-URI");
        AssertUnavailable(frame, "a single frame");
        Assert.That(downloads, Has.Count.EqualTo(MaxRetries + 1), "one attempt and the configured retries");
        Assert.That(await RetrieveAsync(archive.Client, study, series, sop), Is.EqualTo(AsStored(instance)), "served again once the account is");
    }

    [Test]
    public async Task Wado_SeriesZipAndFramesThrottled_503BeforeAnyPartIsSent()
    {
        var archive = await ThrottledAsync();
        string study = TestDicom.NewUid(), series = TestDicom.NewUid();
        var instances = Enumerable.Range(0, 2).Select(i => new TestDicom(study, series, TestDicom.NewUid()).AddImage(128, 128, 2).ToArrayWithPixelData(128 * 128 * 2 * 2, seed: 6 + i)).ToList();
        var stored = await StowAsync(archive.Client, [.. instances]);
        Assert.That(stored.Result.Status, Is.EqualTo(200), stored.Result.ToString);
        var sops = await InstancesAsync(archive.Client, study);

        archive.Proxy.Throttle(ThrottlingProxy.GetBlob, int.MaxValue, 503);
        var seriesResponse = await GetAsync(archive.Client, $"/dicomweb/studies/{study}/series/{series}", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        var zip = await GetAsync(archive.Client, $"/dicomweb/studies/{study}/series/{series}", "application/zip");
        var frames = await GetAsync(archive.Client, $"/dicomweb/studies/{study}/series/{series}/instances/{sops[0]}/frames/1,2", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        archive.Proxy.StopThrottling();

        AssertUnavailable(seriesResponse, "the series");
        AssertUnavailable(zip, "the series as a zip");
        AssertUnavailable(frames, "two frames");
        using var served = await archive.Client.GetAsync($"/dicomweb/studies/{study}/series/{series}");
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), "served again once the account is");
        Assert.That(served.Content.Headers.ContentType?.MediaType, Is.EqualTo("multipart/related"));
        using var zipRequest = new HttpRequestMessage(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{series}");
        zipRequest.Headers.TryAddWithoutValidation("Accept", "application/zip");
        using var zipServed = await archive.Client.SendAsync(zipRequest);
        Assert.That(zipServed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var archived = new System.IO.Compression.ZipArchive(new MemoryStream(await zipServed.Content.ReadAsByteArrayAsync()));
        Assert.That(archived.Entries.Select(e => e.Name.Replace(".dcm", "", StringComparison.Ordinal)), Is.EquivalentTo(sops), "a whole zip once the account answers");
    }

    /// <summary>A 503 made before the first byte of the answer: Retry-After, a problem document, and nothing left of the answer it replaces.</summary>
    private static void AssertUnavailable(Answer answer, string what)
    {
        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), $"{what}: {answer}");
        Assert.That(answer.RetryAfter, Is.GreaterThan(TimeSpan.Zero), what);
        Assert.That(answer.ContentType, Is.EqualTo("application/problem+json"), what);
        Assert.That(answer.ContentDisposition, Is.Null, what);
        Assert.That(answer.Warning, Is.Empty, what);
        Assert.That(answer.ContentRange, Is.Null, what);
        Assert.That(answer.Body, Does.StartWith("{"), $"{what}: nothing of the intended answer before the problem");
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.That(problem.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(503), what);
    }

    /// <summary>An archive whose store is Azurite behind a <see cref="ThrottlingProxy"/>, shared by the throttling tests (one at a time).</summary>
    private async Task<ThrottledArchive> ThrottledAsync()
    {
        if (_throttled is null)
        {
            var blobs = await TestBlobStorage.CreateAsync(BlobProviders.Azure);
            IPEndPoint azurite;
            try
            {
                azurite = ProxiedAzurite.Endpoint(blobs);
            }
            catch (IgnoreException)
            {
                await blobs.DisposeAsync();
                throw;
            }
            var proxy = new ThrottlingProxy(azurite);
            var data = new TempDirectory("dwa-azure-busy-");
            // Small blocks, so that one instance is several Put Block requests.
            var server = await ServerProcess.StartAsync(data.Path, ProxiedAzurite.Arguments(blobs, proxy.Port,
                ("BlockSize", "65536"), ("MaxRetries", MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("RetryDelay", "00:00:00.1"), ("MaxRetryDelay", "00:00:00.5"), ("NetworkTimeout", "00:00:05")));
            _throttled = new ThrottledArchive(blobs, proxy, data, server, server.CreateClient());
        }
        return _throttled;
    }

    private sealed record ThrottledArchive(TestBlobStorage Blobs, ThrottlingProxy Proxy, TempDirectory Data, ServerProcess Server, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Server.DisposeAsync();
            await Proxy.DisposeAsync();
            await Blobs.DisposeAsync();
            Data.Dispose();
        }
    }

    private sealed record Stowed(StoreResult Result, TimeSpan? RetryAfter);

    private static async Task<Stowed> StowAsync(HttpClient client, params byte[][] instances)
    {
        using var response = await client.PostAsync("/dicomweb/studies", StowRequests.Multipart(instances));
        string body = await response.Content.ReadAsStringAsync();
        return new Stowed(new StoreResult((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body), response.Headers.RetryAfter?.Delta);
    }

    private sealed record Answer(HttpStatusCode Status, TimeSpan? RetryAfter, string? ContentType, string? ContentDisposition, string? ContentRange, IReadOnlyList<string> Warning, string Body)
    {
        public override string ToString() => $"{(int)Status} {ContentType} {Body}";
    }

    /// <summary>The whole answer; a body shorter than its Content-Length fails here, as it fails any client.</summary>
    private static async Task<Answer> GetAsync(HttpClient client, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType,
            response.Content.Headers.ContentDisposition?.ToString(), response.Content.Headers.ContentRange?.ToString(),
            [.. response.Headers.Warning.Select(w => w.ToString())], body);
    }

    private static async Task<byte[]> RetrieveAsync(HttpClient client, string study, string series, string sop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{series}/instances/{sop}");
        request.Headers.TryAddWithoutValidation("Accept", StoredDicom);
        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The SOP Instance UIDs QIDO finds in the study.</summary>
    private static async Task<List<string>> InstancesAsync(HttpClient client, string study)
    {
        using var response = await client.GetAsync($"/dicomweb/studies/{study}/instances");
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.NoContent || body.Length == 0)
        {
            return [];
        }
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        using var found = JsonDocument.Parse(body);
        return [.. found.RootElement.EnumerateArray().Select(i => i.GetProperty("00080018").GetProperty("Value")[0].GetString()!)];
    }

    /// <summary>The instance as the archive keeps it: the preamble zeroed.</summary>
    private static byte[] AsStored(byte[] sent)
    {
        var stored = sent.ToArray();
        stored.AsSpan(0, 128).Clear();
        return stored;
    }
}
