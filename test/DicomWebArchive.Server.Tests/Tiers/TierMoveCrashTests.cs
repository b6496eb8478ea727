using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Tiers;

/// <summary>
/// A server process killed (SIGKILL) half-way through moving a study between tiers, on each blob store: after a restart
/// every instance reads back byte-identical, and the move is taken up again and finishes.
/// </summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.All))]
public sealed class TierMoveCrashTests(string blobProvider)
{
    private const int Instances = 60;

    [Test]
    public async Task Server_KilledDuringMove_EveryInstanceReadableAndTheMoveFinishesAfterRestart()
    {
        await using var blobs = await TestBlobStorage.CreateAsync(blobProvider);
        using var data = new TempDirectory("dwa-tier-crash-");
        // A short hold, so that the restarted server takes up the move its killed predecessor held.
        string[] arguments = [.. blobs.Arguments, "--Storage:Lifecycle:MoveLease=00:00:03", "--Storage:Lifecycle:MovePollInterval=00:00:00.5"];
        string study = TestDicom.NewUid(), series = TestDicom.NewUid();
        var stored = new Dictionary<string, byte[]>();

        await using (var server = await ServerProcess.StartAsync(data.Path, arguments))
        {
            using var client = server.CreateClient();
            for (int batch = 0; batch < Instances / 10; batch++)
            {
                var files = new List<byte[]>();
                for (int i = 0; i < 10; i++)
                {
                    string sop = TestDicom.NewUid();
                    var bytes = new TestDicom(study, series, sop).AddImage(256, 256, 2).ToArrayWithPixelData(256 * 256 * 2 * 2, seed: (batch * 10) + i);
                    files.Add(bytes.ToArray());
                    bytes.AsSpan(0, 128).Clear();
                    stored[sop] = bytes;
                }
                var result = await StowRequests.PostAsync(client, StowRequests.Multipart(files));
                Assert.That(result.Status, Is.EqualTo(200), result.Body);
            }

            // The move runs inside the request; the process dies once some instances are cool and some still hot.
            var move = client.PutAsync($"/api/storage/studies/{study}/tier", JsonContent.Create(new { tier = "Cool" }));
            bool halfWay = false;
            while (!halfWay && !move.IsCompleted)
            {
                var usage = await UsageAsync(client, study);
                halfWay = usage["Cool"] > 0 && usage["Hot"] > 0;
            }
            Assert.That(halfWay, Is.True, "the study was seen half-way through its move");
            server.Kill();
            try
            {
                using var _ = await move;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
            }
        }

        await using (var server = await ServerProcess.StartAsync(data.Path, arguments))
        {
            using var client = server.CreateClient();
            foreach (var (sop, bytes) in stored)
            {
                Assert.That(await InstanceAsync(client, study, series, sop), Is.EqualTo(bytes), $"{sop} readable right after the restart");
            }

            var deadline = DateTime.UtcNow.AddSeconds(60);
            var storage = await StorageAsync(client, study);
            while (storage.GetProperty("tier").GetString() != "Cool")
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the restarted server finishes the move");
                await Task.Delay(200);
                storage = await StorageAsync(client, study);
            }
            Assert.That(storage.GetProperty("operation").ValueKind, Is.EqualTo(JsonValueKind.Null), "no move left unfinished");
            Assert.That((await UsageAsync(client, study))["Cool"], Is.EqualTo(Instances));
            foreach (var (sop, bytes) in stored)
            {
                Assert.That(await InstanceAsync(client, study, series, sop), Is.EqualTo(bytes), $"{sop} byte-identical in the cool tier");
            }
        }
        if (blobs.Root("Hot") is { } hot)
        {
            Assert.That(Directory.EnumerateFiles(hot, "*", SearchOption.AllDirectories), Is.Empty, "no copy left behind in the hot tier");
        }
    }

    private static async Task<JsonElement> StorageAsync(HttpClient client, string study)
    {
        using var response = await client.GetAsync($"/api/storage/studies/{study}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<Dictionary<string, long>> UsageAsync(HttpClient client, string study) =>
        (await StorageAsync(client, study)).GetProperty("tiers").EnumerateArray()
            .ToDictionary(t => t.GetProperty("tier").GetString()!, t => t.GetProperty("instances").GetInt64());

    private static async Task<byte[]> InstanceAsync(HttpClient client, string study, string series, string sop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{series}/instances/{sop}");
        request.Headers.TryAddWithoutValidation("Accept", "application/dicom; transfer-syntax=*");
        using var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), sop);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
