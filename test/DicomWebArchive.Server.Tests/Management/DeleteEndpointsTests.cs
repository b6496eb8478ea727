using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>
/// DELETE at every level on each index database: from that moment every read answers 404 or an empty search, aggregates
/// are right, blobs stay until the purge delay has passed (and a restore brings the study back until then), then go.
/// </summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class DeleteEndpointsTests(string provider)
{
    [Test]
    public async Task Delete_InstanceSeriesStudy_GoneFromEveryReadAggregatesRight()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid(), other = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 2), ("MR", 1));
        await archive.StoreAsync(other, "P2", ("CT", 1));
        var (ctSeries, first, _) = stored[0];
        var mrSeries = stored[2].Series;
        string seriesEtag = await EtagAsync(archive, $"/dicomweb/studies/{study}/series/{ctSeries}/metadata");

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{ctSeries}/instances/{first}"), Is.EqualTo(HttpStatusCode.NoContent));

        await AssertInstanceGoneAsync(archive, study, ctSeries, first);
        var studyRow = (await archive.JsonAsync($"/dicomweb/studies?StudyInstanceUID={study}"))[0];
        Assert.That(Value(studyRow, "00201208"), Is.EqualTo("2"), "NumberOfStudyRelatedInstances");
        Assert.That(Value(studyRow, "00201206"), Is.EqualTo("2"), "NumberOfStudyRelatedSeries");
        Assert.That(Values(studyRow, "00080061"), Is.EqualTo(new[] { "CT", "MR" }), "ModalitiesInStudy");
        var ctRow = (await archive.JsonAsync($"/dicomweb/studies/{study}/series?SeriesInstanceUID={ctSeries}"))[0];
        Assert.That(Value(ctRow, "00201209"), Is.EqualTo("1"), "NumberOfSeriesRelatedInstances");
        Assert.That(await EtagAsync(archive, $"/dicomweb/studies/{study}/series/{ctSeries}/metadata"), Is.Not.EqualTo(seriesEtag), "the metadata version changes");

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{mrSeries}"), Is.EqualTo(HttpStatusCode.NoContent));
        studyRow = (await archive.JsonAsync($"/dicomweb/studies?StudyInstanceUID={study}"))[0];
        Assert.That(Values(studyRow, "00080061"), Is.EqualTo(new[] { "CT" }));
        Assert.That(Value(studyRow, "00201206"), Is.EqualTo("1"));
        Assert.That((await archive.JsonAsync($"/dicomweb/studies/{study}/series/{mrSeries}/instances")).GetArrayLength(), Is.Zero);
        Assert.That(await archive.StatusAsync(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{mrSeries}/metadata"), Is.EqualTo(HttpStatusCode.NotFound));

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}"), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await archive.JsonAsync($"/dicomweb/studies?StudyInstanceUID={study}")).GetArrayLength(), Is.Zero);
        Assert.That((await archive.JsonAsync($"/dicomweb/studies/{study}/series")).GetArrayLength(), Is.Zero);
        Assert.That((await archive.JsonAsync($"/dicomweb/studies/{study}/instances")).GetArrayLength(), Is.Zero);
        Assert.That((await archive.JsonAsync($"/dicomweb/instances?StudyInstanceUID={study}")).GetArrayLength(), Is.Zero);
        foreach (var path in new[] { $"/dicomweb/studies/{study}", $"/dicomweb/studies/{study}/metadata", $"/dicomweb/studies/{study}/rendered", $"/dicomweb/studies/{study}/series/{ctSeries}" })
        {
            Assert.That(await archive.StatusAsync(HttpMethod.Get, path), Is.EqualTo(HttpStatusCode.NotFound), path);
        }
        await AssertInstanceGoneAsync(archive, study, ctSeries, stored[1].Sop);
        Assert.That((await archive.JsonAsync($"/dicomweb/studies?StudyInstanceUID={other}")).GetArrayLength(), Is.EqualTo(1), "the other study stays");
        archive.Factory.Archive.AssertAggregatesMatchRows();
    }

    [Test]
    public async Task Delete_WhatIsNotStoredOrMalformed_404Or400()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 1));
        var (series, sop, _) = stored[0];

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{TestDicom.NewUid()}"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{TestDicom.NewUid()}"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{series}/instances/{TestDicom.NewUid()}"), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{TestDicom.NewUid()}/series/{series}/instances/{sop}"), Is.EqualTo(HttpStatusCode.NotFound), "an instance named under another study");
        foreach (var bad in new[] { "1.2.abc", "1..2", new string('1', 65), "1.2.3%27%20OR%201=1", "1.2.3%20" })
        {
            Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{bad}"), Is.EqualTo(HttpStatusCode.BadRequest), bad);
            Assert.That(await archive.StatusAsync(HttpMethod.Post, $"/api/deleted/studies/{bad}/restore"), Is.EqualTo(HttpStatusCode.BadRequest), bad);
        }
        Assert.That(await archive.StatusAsync(HttpMethod.Post, $"/api/deleted/studies/{study}/restore"), Is.EqualTo(HttpStatusCode.NotFound), "nothing deleted");
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}"), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}"), Is.EqualTo(HttpStatusCode.NotFound), "a second delete");
    }

    [Test]
    public async Task Delete_ThenPurgeDelay_BlobsStayUntilThenRestoreWorksBefore()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 2), ("MR", 1));
        var blobs = archive.Factory.Archive.BlobFiles();
        Assert.That(blobs, Has.Count.EqualTo(3));
        var before = new List<byte[]>();
        foreach (var (series, sop, _) in stored)
        {
            before.Add(await archive.Client.GetByteArrayAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}?accept=application/dicom;transfer-syntax=*"));
        }

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}"), Is.EqualTo(HttpStatusCode.NoContent));
        archive.Time.Advance(ManagementArchive.PurgeDelay - TimeSpan.FromMinutes(1));
        await Task.Delay(500);
        Assert.That(archive.Factory.Archive.BlobFiles(), Is.EquivalentTo(blobs), "blobs stay until the purge delay has passed");

        using (var restore = await archive.Client.PostAsync($"/api/deleted/studies/{study}/restore", null))
        {
            Assert.That(restore.StatusCode, Is.EqualTo(HttpStatusCode.OK), await restore.Content.ReadAsStringAsync());
            Assert.That(JsonDocument.Parse(await restore.Content.ReadAsStringAsync()).RootElement.GetProperty("instancesRestored").GetInt32(), Is.EqualTo(3));
        }
        var row = (await archive.JsonAsync($"/dicomweb/studies?StudyInstanceUID={study}"))[0];
        Assert.That((Value(row, "00201208"), Value(row, "00201206")), Is.EqualTo(("3", "2")));
        Assert.That(Values(row, "00080061"), Is.EqualTo(new[] { "CT", "MR" }));
        for (int i = 0; i < stored.Count; i++)
        {
            var (series, sop, _) = stored[i];
            using var response = await archive.Client.GetAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}?accept=application/dicom;transfer-syntax=*");
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(before[i]), "restored byte for byte");
        }
        archive.Factory.Archive.AssertAggregatesMatchRows();

        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}/series/{stored[2].Series}"), Is.EqualTo(HttpStatusCode.NoContent));
        archive.Time.Advance(ManagementArchive.PurgeDelay + TimeSpan.FromMinutes(1));
        Assert.That(await ManagementArchive.EventuallyAsync(() => archive.Factory.Archive.BlobFiles().Count == 2), Is.True, "the deleted series' blob is purged");
        Assert.That(await archive.StatusAsync(HttpMethod.Post, $"/api/deleted/studies/{study}/restore"), Is.EqualTo(HttpStatusCode.NotFound), "purged: nothing to restore");
        Assert.That((await archive.JsonAsync($"/dicomweb/studies/{study}/instances")).GetArrayLength(), Is.EqualTo(2), "the live instances keep their blobs");
    }

    [Test]
    public async Task Store_AfterDelete_StoredAnew()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 1));
        Assert.That(await archive.StatusAsync(HttpMethod.Delete, $"/dicomweb/studies/{study}"), Is.EqualTo(HttpStatusCode.NoContent));

        var again = await StowRequests.PostAsync(archive.Client, StowRequests.Multipart([stored[0].Bytes]));

        Assert.That(again.Status, Is.EqualTo(200), again.ToString());
        Assert.That(again.Referenced.Single().SopInstance, Is.EqualTo(stored[0].Sop));
        Assert.That(await archive.StatusAsync(HttpMethod.Get, $"/dicomweb/studies/{study}/series/{stored[0].Series}/instances/{stored[0].Sop}/metadata"), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await archive.StatusAsync(HttpMethod.Post, $"/api/deleted/studies/{study}/restore"), Is.EqualTo(HttpStatusCode.NotFound), "the live instance wins over its deleted version");
        Assert.That(archive.Factory.Archive.Count("instance"), Is.EqualTo(1));
    }

    /// <summary>Every way to read one instance answers 404, and searches within its series do not list it.</summary>
    private static async Task AssertInstanceGoneAsync(ManagementArchive archive, string study, string series, string sop)
    {
        string instance = $"/dicomweb/studies/{study}/series/{series}/instances/{sop}";
        foreach (var path in new[] { instance, instance + "/metadata", instance + "/frames/1", instance + "/rendered", instance + "/thumbnail", instance + "/bulkdata/7FE00010",
            $"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}&contentType=application/dicom" })
        {
            Assert.That(await archive.StatusAsync(HttpMethod.Get, path), Is.EqualTo(HttpStatusCode.NotFound), path);
        }
        var listed = await archive.JsonAsync($"/dicomweb/studies/{study}/instances");
        Assert.That(listed.EnumerateArray().Select(i => Value(i, "00080018")), Does.Not.Contain(sop));
    }

    private static async Task<string> EtagAsync(ManagementArchive archive, string path)
    {
        using var response = await archive.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return response.Headers.ETag!.Tag;
    }

    private static string? Value(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var a) && a.TryGetProperty("Value", out var v) ? v[0].ToString() : null;

    private static string[] Values(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var a) && a.TryGetProperty("Value", out var v) ? [.. v.EnumerateArray().Select(e => e.ToString())] : [];
}
