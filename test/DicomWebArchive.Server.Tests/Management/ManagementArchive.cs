using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>
/// An archive on one index database for the data management tests: a clock the test moves, a purge that looks every
/// 100 ms, and helpers to store small images and read answers.
/// </summary>
internal sealed class ManagementArchive : IAsyncDisposable
{
    public static readonly TimeSpan PurgeDelay = TimeSpan.FromHours(24);

    private ManagementArchive(TestIndexDatabase index, ArchiveFactory factory)
    {
        Index = index;
        Factory = factory;
        Client = factory.CreateClient();
    }

    public TestIndexDatabase Index { get; }

    public ArchiveFactory Factory { get; }

    public HttpClient Client { get; }

    public ManualTime Time => (ManualTime)Factory.Time!;

    public static async Task<ManagementArchive> StartAsync(string provider, params (string Key, string Value)[] settings)
    {
        var index = await TestIndexDatabase.CreateAsync(provider);
        var factory = new ArchiveFactory(index, [("Retention:PurgeInterval", "00:00:00.1"), .. settings]) { Time = new ManualTime() };
        return new ManagementArchive(index, factory);
    }

    /// <summary>An archive over storage that is already there: <paramref name="index"/> (disposed with it) and a data directory.</summary>
    public static ManagementArchive Open(TestIndexDatabase index, string dataDirectory) =>
        new(index, new ArchiveFactory(index, ("Storage:DataDirectory", dataDirectory), ("Retention:PurgeInterval", "00:00:00.1")) { Time = new ManualTime() });

    /// <summary>Stores 16×16 images, <paramref name="perSeries"/> per series; returns their (series, sop) in order.</summary>
    public async Task<List<(string Series, string Sop, byte[] Bytes)>> StoreAsync(string study, string patientId, params (string Modality, int Count)[] perSeries)
    {
        var stored = new List<(string, string, byte[])>();
        foreach (var (modality, count) in perSeries)
        {
            string series = TestDicom.NewUid();
            for (int i = 0; i < count; i++)
            {
                string sop = TestDicom.NewUid();
                stored.Add((series, sop, new TestDicom(study, series, sop, modality: modality, patientId: patientId, patientName: "Doe^Jane")
                    .AddImage(16, 16, 1).ToArrayWithPixelData(16 * 16 * 2, seed: stored.Count + 1)));
            }
        }
        var result = await StowRequests.PostAsync(Client, StowRequests.Multipart(stored.Select(s => s.Item3)));
        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
        return stored;
    }

    public async Task<JsonElement> JsonAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {path}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Starts a bulk update and waits for its operation to end; returns the operation's final state.</summary>
    public async Task<JsonElement> BulkUpdateAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/dicomweb/studies/$bulkUpdate", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var reference = await response.Content.ReadFromJsonAsync<JsonElement>();
        return await WaitForAsync(reference.GetProperty("href").GetString()!);
    }

    /// <summary>Polls an operation (bulk update or verification) until it has ended.</summary>
    public async Task<JsonElement> WaitForAsync(string href)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await Client.GetAsync(href);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the operation did not end within a minute: " + body);
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (the purge runs every 100 ms), up to 10 s.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (int i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Index.DisposeAsync();
    }
}
