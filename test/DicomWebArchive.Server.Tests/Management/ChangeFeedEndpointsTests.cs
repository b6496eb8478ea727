using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>The change feed on each index database: actions and states, paging with concurrent writers, windows, bad input.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class ChangeFeedEndpointsTests(string provider)
{
    [Test]
    public async Task ChangeFeed_CreateDeleteRestore_ActionsStatesAndMetadata()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 2));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{stored[0].Series}/instances/{stored[0].Sop}"), Is.EqualTo(HttpStatusCode.NoContent));

        var feed = await archive.JsonAsync("/dicomweb/changefeed");
        var entries = feed.EnumerateArray().Select(e => (e.GetProperty("Sequence").GetInt64(), e.GetProperty("SopInstanceUid").GetString(), e.GetProperty("Action").GetString(), e.GetProperty("State").GetString())).ToList();
        Assert.That(entries.Select(e => e.Item1), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(entries.Take(2).Select(e => (e.Item2, e.Item3, e.Item4)), Is.EquivalentTo(new[] { (stored[0].Sop, "create", "deleted"), (stored[1].Sop, "create", "current") }));
        Assert.That((entries[2].Item2, entries[2].Item3, entries[2].Item4), Is.EqualTo((stored[0].Sop, "delete", "deleted")));
        var live = feed.EnumerateArray().Single(e => e.GetProperty("State").GetString() == "current");
        Assert.That(live.GetProperty("StudyInstanceUid").GetString(), Is.EqualTo(study));
        Assert.That(live.GetProperty("SeriesInstanceUid").GetString(), Is.EqualTo(stored[1].Series));
        Assert.That(live.GetProperty("Metadata").GetProperty("00080018").GetProperty("Value")[0].GetString(), Is.EqualTo(stored[1].Sop));
        Assert.That(DateTimeOffset.Parse(live.GetProperty("Timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(archive.Time.GetUtcNow()).Within(TimeSpan.FromMinutes(1)));
        Assert.That(feed.EnumerateArray().Where(e => e.GetProperty("State").GetString() == "deleted").Select(e => e.TryGetProperty("Metadata", out _)), Is.All.False, "a deleted instance has no metadata");

        var latest = await archive.JsonAsync("/dicomweb/changefeed/latest?includemetadata=false");
        Assert.That((latest.GetProperty("Sequence").GetInt64(), latest.GetProperty("Action").GetString()), Is.EqualTo((3L, "delete")));
        Assert.That(latest.TryGetProperty("Metadata", out _), Is.False);
        var paged = await archive.JsonAsync("/dicomweb/changefeed?offset=1&limit=1&includemetadata=false");
        Assert.That(paged.EnumerateArray().Select(e => e.GetProperty("Sequence").GetInt64()), Is.EqualTo(new long[] { 2 }));

        using (await archive.Client.PostAsync($"/api/deleted/studies/{study}/restore", null))
        {
        }
        feed = await archive.JsonAsync("/dicomweb/changefeed?offset=2");
        Assert.That(feed.EnumerateArray().Select(e => (e.GetProperty("Action").GetString(), e.GetProperty("State").GetString())),
            Is.EqualTo(new[] { ("delete", "replaced"), ("create", "current") }), "a restore is a create; the delete it undid is replaced");
    }

    [Test]
    public async Task ChangeFeed_ConcurrentWritersReaderPagingToTheEnd_NoGapsNoDuplicates()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        const int Writers = 4, PerWriter = 12;
        var seen = new List<long>();
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            long offset = 0;
            while (true)
            {
                bool finished = done.IsCancellationRequested;
                var page = await archive.JsonAsync($"/dicomweb/changefeed?offset={offset}&limit=7&includemetadata=false");
                foreach (var entry in page.EnumerateArray())
                {
                    seen.Add(entry.GetProperty("Sequence").GetInt64());
                    offset = entry.GetProperty("Sequence").GetInt64();
                }
                if (finished && page.GetArrayLength() == 0)
                {
                    return;
                }
                if (page.GetArrayLength() == 0)
                {
                    // Caught up: a polling client waits a little, as it must to stay under the rate limit.
                    await Task.Delay(10);
                }
            }
        });
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            string study = TestDicom.NewUid();
            for (int i = 0; i < PerWriter / 3; i++)
            {
                var stored = await archive.StoreAsync(study, "P" + w, ("CT", 3));
                if (i % 2 == 1)
                {
                    Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{stored[0].Series}"), Is.EqualTo(HttpStatusCode.NoContent));
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await reader;

        long expected = (Writers * PerWriter) + (Writers * (PerWriter / 3 / 2) * 3);
        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, (int)expected).Select(i => (long)i)), "every sequence once, in order, none skipped");
    }

    [Test]
    public async Task ChangeFeed_TimeWindow_OnlyChangesWithinIt()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        await archive.StoreAsync(TestDicom.NewUid(), "P1", ("CT", 2));
        var middle = archive.Time.GetUtcNow().AddMinutes(30);
        archive.Time.Advance(TimeSpan.FromHours(1));
        await archive.StoreAsync(TestDicom.NewUid(), "P1", ("CT", 3));
        string Time(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var before = await archive.JsonAsync($"/dicomweb/changefeed?startTime={Time(middle.AddDays(-1))}&endTime={Time(middle)}");
        var after = await archive.JsonAsync($"/dicomweb/changefeed?startTime={Time(middle)}&offset=1&limit=5");

        Assert.That(before.EnumerateArray().Select(e => e.GetProperty("Sequence").GetInt64()), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(after.EnumerateArray().Select(e => e.GetProperty("Sequence").GetInt64()), Is.EqualTo(new long[] { 4, 5 }), "offset skips within the window");
    }

    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("limit=ten")]
    [TestCase("offset=-1")]
    [TestCase("offset=99999999999999999999999")]
    [TestCase("includemetadata=maybe")]
    [TestCase("startTime=yesterday")]
    [TestCase("startTime=2026-02-01T00:00:00Z&endTime=2026-01-01T00:00:00Z")]
    public async Task ChangeFeed_BadParameter_400(string query)
    {
        await using var archive = await ManagementArchive.StartAsync(provider);

        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/dicomweb/changefeed?" + query), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task ChangeFeedLatest_Empty_404()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);

        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/dicomweb/changefeed/latest"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await archive.JsonAsync("/dicomweb/changefeed")).GetArrayLength(), Is.Zero);
    }
}
