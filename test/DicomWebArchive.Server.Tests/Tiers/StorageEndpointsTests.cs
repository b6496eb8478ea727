using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Tiers;

/// <summary>
/// The storage admin API and what clients see of tiers over HTTP, on each blob store: moves answered when done or as an
/// operation, NEARLINE in QIDO, 503 with Retry-After for pixel data of an archived study (which starts its
/// rehydration), metadata and thumbnails meanwhile, and byte-identical instances once the study is online again.
/// </summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.All))]
public sealed class StorageEndpointsTests(string blobProvider)
{
    private TestBlobStorage? _blobs;
    private ArchiveFactory? _factory;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _blobs = await TestBlobStorage.CreateAsync(blobProvider);
        _factory = new ArchiveFactory([.. _blobs.Settings, ("Storage:Lifecycle:MovePollInterval", "00:00:00.5")]);
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (_blobs is not null)
        {
            await _blobs.DisposeAsync();
        }
    }

    private async Task<(string Study, List<(string Series, string Sop, byte[] Stored)> Instances)> StoreStudyAsync(int series, int instances)
    {
        string study = TestDicom.NewUid();
        var list = new List<(string, string, byte[])>();
        var files = new List<byte[]>();
        for (int s = 0; s < series; s++)
        {
            string seriesUid = TestDicom.NewUid();
            for (int i = 0; i < instances; i++)
            {
                string sop = TestDicom.NewUid();
                var bytes = new TestDicom(study, seriesUid, sop).AddImage(32, 32, 1).ToArrayWithPixelData(32 * 32 * 2, (s * 10) + i);
                files.Add(bytes.ToArray());
                bytes.AsSpan(0, 128).Clear();
                list.Add((seriesUid, sop, bytes));
            }
        }
        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart(files));
        Assert.That(result.Status, Is.EqualTo(200), result.Body);
        return (study, list);
    }

    private Task<HttpResponseMessage> PutTierAsync(string study, string body) =>
        _client.PutAsync($"/api/storage/studies/{study}/tier", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> GetInstanceAsync(string study, string series, string sop)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{series}/instances/{sop}");
        request.Headers.TryAddWithoutValidation("Accept", "application/dicom; transfer-syntax=*");
        return await _client.SendAsync(request);
    }

    private async Task<List<string?>> AvailabilityAsync(string path)
    {
        var results = await GetJsonAsync(path);
        return [.. results.EnumerateArray().Select(r => r.GetProperty("00080056").GetProperty("Value")[0].GetString())];
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    [Test]
    public async Task PutTier_UnknownTier_400NamingIt()
    {
        var (study, _) = await StoreStudyAsync(1, 1);

        using var response = await PutTierAsync(study, "{\"tier\": \"Lukewarm\"}");

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("'Lukewarm' is not a tier"));
    }

    [Test]
    public async Task PutTier_UnknownStudy_404NamingIt()
    {
        string study = TestDicom.NewUid();

        using var response = await PutTierAsync(study, "{\"tier\": \"Cool\"}");
        using var get = await _client.GetAsync($"/api/storage/studies/{study}");

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(study));
        Assert.That((int)get.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task PutTier_NoBodyOrMalformedUid_400()
    {
        var (study, _) = await StoreStudyAsync(1, 1);

        using var empty = await PutTierAsync(study, "{}");
        using var badUid = await PutTierAsync("1.2.x", "{\"tier\": \"Cool\"}");
        using var operation = await _client.GetAsync("/api/operations/999999");

        Assert.That(((int)empty.StatusCode, (int)badUid.StatusCode, (int)operation.StatusCode), Is.EqualTo((400, 400, 404)));
    }

    [Test]
    public async Task PutTier_Cool_200WhenDoneAndRetrievedByteIdentical()
    {
        var (study, instances) = await StoreStudyAsync(1, 3);

        using var response = await PutTierAsync(study, "{\"tier\": \"cool\"}");

        string body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        var operation = JsonDocument.Parse(body).RootElement.GetProperty("operation");
        Assert.That((operation.GetProperty("status").GetString(), operation.GetProperty("target").GetString()), Is.EqualTo(("done", "Cool")));
        var storage = await GetJsonAsync($"/api/storage/studies/{study}");
        Assert.That(storage.GetProperty("tier").GetString(), Is.EqualTo("Cool"));
        Assert.That(storage.GetProperty("bytes").GetInt64(), Is.EqualTo(instances.Sum(i => (long)i.Stored.Length)));
        var cool = storage.GetProperty("tiers").EnumerateArray().Single(t => t.GetProperty("tier").GetString() == "Cool");
        Assert.That(cool.GetProperty("instances").GetInt64(), Is.EqualTo(3));
        foreach (var (series, sop, stored) in instances)
        {
            using var instance = await GetInstanceAsync(study, series, sop);
            Assert.That(await instance.Content.ReadAsByteArrayAsync(), Is.EqualTo(stored));
        }
    }

    [Test]
    public async Task PutTier_Archive_202NearlineAnd503ThenRehydratedByteIdentical()
    {
        var (study, instances) = await StoreStudyAsync(2, 3);

        using var put = await PutTierAsync(study, "{\"tier\": \"Archive\"}");
        Assert.That((int)put.StatusCode, Is.EqualTo(202), await put.Content.ReadAsStringAsync());
        string operation = put.Headers.Location!.ToString();
        await WaitUntilAsync(async () => (await GetJsonAsync(operation)).GetProperty("status").GetString() == "done", "the archive move");

        Assert.That(await AvailabilityAsync($"/dicomweb/studies?StudyInstanceUID={study}"), Is.EqualTo(new[] { "NEARLINE" }));
        Assert.That(await AvailabilityAsync($"/dicomweb/studies/{study}/series"), Has.Count.EqualTo(2).And.All.EqualTo("NEARLINE"));
        Assert.That(await AvailabilityAsync($"/dicomweb/studies/{study}/instances"), Has.Count.EqualTo(6).And.All.EqualTo("NEARLINE"));
        using (var metadata = await _client.GetAsync($"/dicomweb/studies/{study}/metadata"))
        {
            Assert.That((int)metadata.StatusCode, Is.EqualTo(200), "metadata lives in the index");
        }
        using (var thumbnail = await _client.GetAsync($"/dicomweb/studies/{study}/thumbnail"))
        {
            Assert.That((int)thumbnail.StatusCode, Is.EqualTo(200), "the representative instance stays online");
        }

        // Pixel data answers 503 with Retry-After, and starts the study's rehydration (the test controls no timing: the
        // answer comes before the background worker has moved anything, as it would with hours of real rehydration).
        // Only the first such answer is certain here: Azurite and the filesystem rehydrate in milliseconds once asked.
        // The middle image of each series (in UID order here) stays online for thumbnails: ask for the first one.
        var offline = instances.Where(i => i.Series == instances[0].Series).MinBy(i => i.Sop, StringComparer.Ordinal);
        using var retrieve = await _client.GetAsync($"/dicomweb/studies/{study}/series/{offline.Series}/instances/{offline.Sop}/frames/1");
        Assert.That((int)retrieve.StatusCode, Is.EqualTo(503));
        Assert.That(retrieve.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        var problem = JsonDocument.Parse(await retrieve.Content.ReadAsStringAsync()).RootElement;
        string rehydration = problem.GetProperty("operation").GetString()!;

        await WaitUntilAsync(async () => (await GetJsonAsync(rehydration)).GetProperty("status").GetString() == "done", "the rehydration");
        Assert.That(await AvailabilityAsync($"/dicomweb/studies/{study}/instances"), Is.All.EqualTo("ONLINE"));
        Assert.That((await GetJsonAsync($"/api/storage/studies/{study}")).GetProperty("tier").GetString(), Is.EqualTo("Hot"));
        foreach (var (series, sop, stored) in instances)
        {
            using var instance = await GetInstanceAsync(study, series, sop);
            Assert.That(await instance.Content.ReadAsByteArrayAsync(), Is.EqualTo(stored), "rehydrated byte-identical");
        }
    }

    [Test]
    public async Task Report_Stored_TotalsAndCostPerTier()
    {
        await StoreStudyAsync(1, 2);

        var report = await GetJsonAsync("/api/storage/report");
        using var run = await _client.PostAsync("/api/storage/lifecycle/run", null);

        var tiers = report.GetProperty("tiers").EnumerateArray().ToList();
        Assert.That(tiers.Select(t => t.GetProperty("tier").GetString()), Is.EqualTo(new[] { "Hot", "Cool", "Cold", "Archive" }));
        Assert.That(tiers.Sum(t => t.GetProperty("bytes").GetInt64()), Is.EqualTo(report.GetProperty("bytes").GetInt64()));
        Assert.That(report.GetProperty("instances").GetInt64(), Is.GreaterThanOrEqualTo(2));
        Assert.That(report.GetProperty("currency").GetString(), Is.EqualTo("USD"));
        Assert.That((int)run.StatusCode, Is.EqualTo(200));
        Assert.That(await run.Content.ReadFromJsonAsync<JsonElement>(), Has.Property("ValueKind").EqualTo(JsonValueKind.Array));
    }
}
