using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>Storage verification on each index database: a flipped byte and a removed blob are reported, the report is kept.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class StorageEndpointsTests(string provider)
{
    [Test]
    public async Task Verify_CorruptAndMissingBlobs_Reported()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid(), other = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 3));
        await archive.StoreAsync(other, "P2", ("CT", 2));
        var instances = archive.Factory.Archive.Instances().ToDictionary(i => i.SopInstanceUid);
        string corrupt = instances[stored[0].Sop].BlobKey, missing = instances[stored[1].Sop].BlobKey;
        await using (var file = File.Open(archive.Factory.Archive.BlobPath(corrupt), FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length - 7;
            int b = file.ReadByte();
            file.Position = file.Length - 7;
            file.WriteByte((byte)(b ^ 0x01));
        }
        File.Delete(archive.Factory.Archive.BlobPath(missing));

        var all = await VerifyAsync(archive, null);
        var one = await VerifyAsync(archive, new { study = other });

        var report = all.GetProperty("report");
        Assert.That(all.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(report.GetProperty("instancesChecked").GetInt64(), Is.EqualTo(5));
        Assert.That((report.GetProperty("missingCount").GetInt64(), report.GetProperty("corruptCount").GetInt64()), Is.EqualTo((1L, 1L)));
        Assert.That(report.GetProperty("missing")[0].GetProperty("sopInstanceUid").GetString(), Is.EqualTo(stored[1].Sop));
        var bad = report.GetProperty("corrupt")[0];
        Assert.That(bad.GetProperty("sopInstanceUid").GetString(), Is.EqualTo(stored[0].Sop));
        Assert.That(bad.GetProperty("actualSha256").GetString(), Is.Not.EqualTo(bad.GetProperty("expectedSha256").GetString()));
        Assert.That(bad.GetProperty("actualSize").GetInt64(), Is.EqualTo(bad.GetProperty("expectedSize").GetInt64()));
        Assert.That(one.GetProperty("report").GetProperty("instancesChecked").GetInt64(), Is.EqualTo(2));
        Assert.That(one.GetProperty("report").GetProperty("missingCount").GetInt64() + one.GetProperty("report").GetProperty("corruptCount").GetInt64(), Is.Zero);
        var kept = await archive.JsonAsync("/api/storage/verify/" + all.GetProperty("id").GetString());
        Assert.That(kept.GetProperty("report").GetProperty("corruptCount").GetInt64(), Is.EqualTo(1), "the report is kept");
    }

    [TestCase("{\"study\": \"1.2.abc\"}", HttpStatusCode.BadRequest)]
    [TestCase("{\"study\": 12}", HttpStatusCode.BadRequest)]
    [TestCase("{study", HttpStatusCode.BadRequest)]
    [TestCase("{\"study\": \"1.2.3.4.5\"}", HttpStatusCode.NotFound)]
    public async Task Verify_BadBody_400Or404(string body, HttpStatusCode expected)
    {
        await using var archive = await ManagementArchive.StartAsync(provider);

        using var response = await archive.Client.PostAsync("/api/storage/verify", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/api/storage/verify/" + Guid.NewGuid().ToString("N")), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/api/storage/verify/abc"), Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static async Task<JsonElement> VerifyAsync(ManagementArchive archive, object? body)
    {
        using var response = body is null ? await archive.Client.PostAsync("/api/storage/verify", null) : await archive.Client.PostAsJsonAsync("/api/storage/verify", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return await archive.WaitForAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("href").GetString()!);
    }
}
