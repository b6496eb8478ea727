using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Text;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>Bulk update on each index database: seen in QIDO, metadata, retrieved bytes and the change feed; bad input refused.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class UpdateEndpointsTests(string provider)
{
    private static object Change(string study, string name = "Müller^Zoë", string patientId = "MERGED-1") => new
    {
        studyInstanceUids = new[] { study },
        changeDataset = new Dictionary<string, object>
        {
            ["00100010"] = new { vr = "PN", Value = new[] { new { Alphabetic = name } } },
            ["00100020"] = new { vr = "LO", Value = new[] { patientId } },
            ["00081030"] = new { vr = "LO", Value = new[] { "CT CHEST" } },
        },
    };

    [Test]
    public async Task BulkUpdate_PatientAndStudy_SeenInQidoMetadataBytesAndChangeFeed()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid(), other = TestDicom.NewUid();
        var stored = await archive.StoreAsync(study, "P1", ("CT", 2), ("MR", 1));
        await archive.StoreAsync(other, "P2", ("CT", 1));
        var blobsBefore = archive.Factory.Archive.BlobFiles();
        string etag = (await archive.Client.GetAsync($"/dicomweb/studies/{study}/metadata")).Headers.ETag!.Tag;

        var operation = await archive.BulkUpdateAsync(Change(study));

        Assert.That(operation.GetProperty("status").GetString(), Is.EqualTo("completed"), operation.ToString());
        Assert.That(operation.GetProperty("type").GetString(), Is.EqualTo("update"));
        Assert.That(operation.GetProperty("percentComplete").GetInt32(), Is.EqualTo(100));
        Assert.That(operation.GetProperty("results").GetProperty("studyUpdated").GetInt32(), Is.EqualTo(1));
        Assert.That(operation.GetProperty("results").GetProperty("instanceUpdated").GetInt32(), Is.EqualTo(3));

        var found = await archive.JsonAsync("/dicomweb/studies?PatientID=MERGED-1");
        Assert.That(found.GetArrayLength(), Is.EqualTo(1));
        Assert.That(found[0].GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString(), Is.EqualTo("Müller^Zoë"));
        Assert.That(found[0].GetProperty("00081030").GetProperty("Value")[0].GetString(), Is.EqualTo("CT CHEST"));
        Assert.That((await archive.JsonAsync("/dicomweb/studies?PatientName=muller*")).GetArrayLength(), Is.EqualTo(1), "the normalised name follows");
        Assert.That((await archive.JsonAsync("/dicomweb/studies?PatientID=P1")).GetArrayLength(), Is.Zero);
        Assert.That((await archive.JsonAsync("/dicomweb/studies?PatientID=P2")).GetArrayLength(), Is.EqualTo(1), "other studies untouched");

        using var metadataResponse = await archive.Client.GetAsync($"/dicomweb/studies/{study}/metadata");
        Assert.That(metadataResponse.Headers.ETag!.Tag, Is.Not.EqualTo(etag));
        var metadata = JsonDocument.Parse(await metadataResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.That(metadata.EnumerateArray().Select(i => i.GetProperty("00100020").GetProperty("Value")[0].GetString()), Is.All.EqualTo("MERGED-1"));
        Assert.That(metadata.EnumerateArray().Select(i => i.TryGetProperty("00080015", out _)), Is.All.True, "Instance Coercion DateTime is set");

        foreach (var (series, sop, original) in stored)
        {
            var bytes = await archive.Client.GetByteArrayAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}?accept=application/dicom;transfer-syntax=*");
            var file = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Load });
            Assert.That(file.Dataset.GetString(DicomTags.PatientID), Is.EqualTo("MERGED-1"));
            Assert.That(file.Dataset.GetString(DicomTags.PatientName), Is.EqualTo("Müller^Zoë"));
            Assert.That(file.Dataset.GetAsciiString(DicomTags.SpecificCharacterSet), Is.EqualTo("ISO_IR 192"));
            var originalFile = await DicomReader.ReadAsync(new MemoryStream(original), new DicomReaderOptions { PixelData = PixelDataHandling.Load });
            Assert.That(file.Dataset.Find(DicomTags.PixelData)!.Value.ToArray(), Is.EqualTo(originalFile.Dataset.Find(DicomTags.PixelData)!.Value.ToArray()), "pixel data unchanged");
            var frame = await archive.Client.GetAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}/frames/1");
            Assert.That(frame.StatusCode, Is.EqualTo(HttpStatusCode.OK), "frames are located in the new blob");
        }

        var feed = await archive.JsonAsync("/dicomweb/changefeed?offset=4&includemetadata=false");
        Assert.That(feed.EnumerateArray().Select(e => (e.GetProperty("Action").GetString(), e.GetProperty("State").GetString())), Is.All.EqualTo(("update", "current")));
        Assert.That(feed.GetArrayLength(), Is.EqualTo(3));
        var blobsAfter = archive.Factory.Archive.BlobFiles();
        Assert.That(blobsAfter, Is.SupersetOf(blobsBefore), "old versions are kept until the purge");
        Assert.That(blobsAfter, Has.Count.EqualTo(blobsBefore.Count + 3));
        archive.Time.Advance(ManagementArchive.PurgeDelay + TimeSpan.FromMinutes(1));
        Assert.That(await ManagementArchive.EventuallyAsync(() => archive.Factory.Archive.BlobFiles().Count == blobsBefore.Count), Is.True, "old versions purged");
        archive.Factory.Archive.AssertAggregatesMatchRows();

        var again = await archive.BulkUpdateAsync(Change(study));
        Assert.That(again.GetProperty("results").GetProperty("instanceUpdated").GetInt32(), Is.Zero, "nothing to change: no new versions");
    }

    // pydicom reads the retrieved instance: every item of Original Attributes Sequence (0400,0561) as JSON.
    private const string OriginalAttributesScript = """
        import json, sys, pydicom
        ds = pydicom.dcmread(sys.argv[1])
        print(json.dumps({"coerced": str(ds.InstanceCoercionDateTime), "items": [{
            "when": str(item.AttributeModificationDateTime), "system": item.ModifyingSystem, "reason": item.ReasonForTheAttributeModification,
            "source": item.SourceOfPreviousValues, "previous": {e.keyword: str(e.value) for e in item.ModifiedAttributesSequence[0]},
        } for item in ds.OriginalAttributesSequence]}))
        """;

    [Test]
    public async Task BulkUpdate_Twice_OriginalAttributesSequenceKeepsEveryPreviousValue()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        var (series, sop, original) = (await archive.StoreAsync(study, "P1", ("CT", 1))).Single();
        string originalName = (await DicomReader.ReadAsync(new MemoryStream(original), new DicomReaderOptions())).Dataset.GetString(DicomTags.PatientName)!;

        await archive.BulkUpdateAsync(Change(study, patientId: "MERGED-1"));
        archive.Time.Advance(TimeSpan.FromMinutes(5));
        await archive.BulkUpdateAsync(Change(study, name: "Doe^Jane", patientId: "MERGED-2"));

        var bytes = await archive.Client.GetByteArrayAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}?accept=application/dicom;transfer-syntax=*");
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, sop + ".dcm");
        await File.WriteAllBytesAsync(path, bytes);
        JsonElement read;
        try
        {
            read = JsonDocument.Parse(ExternalTool.Python(OriginalAttributesScript, path)).RootElement;
        }
        finally
        {
            File.Delete(path);
        }
        var items = read.GetProperty("items").EnumerateArray().ToList();
        Assert.That(items, Has.Count.EqualTo(2), "one item per update, the earlier one kept");
        Assert.That(items.Select(i => (i.GetProperty("system").GetString(), i.GetProperty("reason").GetString(), i.GetProperty("source").GetString())),
            Is.All.EqualTo(("DicomWebArchive", "CORRECT", "")));
        var first = items[0].GetProperty("previous");
        Assert.That(first.GetProperty("PatientID").GetString(), Is.EqualTo("P1"));
        Assert.That(first.GetProperty("PatientName").GetString(), Is.EqualTo(originalName));
        Assert.That(first.GetProperty("StudyDescription").GetString(), Is.Empty, "absent before the first update: recorded empty");
        var second = items[1].GetProperty("previous");
        Assert.That((second.GetProperty("PatientID").GetString(), second.GetProperty("PatientName").GetString(), second.GetProperty("StudyDescription").GetString()),
            Is.EqualTo(("MERGED-1", "Müller^Zoë", "CT CHEST")));
        Assert.That(items[1].GetProperty("when").GetString(), Is.EqualTo(read.GetProperty("coerced").GetString()), "the same moment as Instance Coercion DateTime");
        Assert.That(string.CompareOrdinal(items[0].GetProperty("when").GetString(), items[1].GetProperty("when").GetString()), Is.Negative, "in the order they happened");
    }

    [Test]
    public async Task BulkUpdate_StudyBeingUpdated_409()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        // The first update can end before the second request arrives on a busy machine; a second request accepted is
        // then right only if the first had ended. Tried until the second comes while the first runs.
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            string study = TestDicom.NewUid();
            await archive.StoreAsync(study, "P1", ("CT", 30));

            using var first = await archive.Client.PostAsJsonAsync("/dicomweb/studies/$bulkUpdate", Change(study));
            using var second = await archive.Client.PostAsJsonAsync("/dicomweb/studies/$bulkUpdate", Change(study, "Other^Name"));
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            var href = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("href").GetString()!;
            if (second.StatusCode == HttpStatusCode.Accepted)
            {
                var firstNow = await archive.Client.GetFromJsonAsync<JsonElement>(href);
                Assert.That(firstNow.GetProperty("status").GetString(), Is.EqualTo("completed"), "a second update of a study accepted while the first runs");
                var secondHref = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("href").GetString()!;
                await archive.WaitForAsync(secondHref);
                continue;
            }

            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), await second.Content.ReadAsStringAsync());
            Assert.That((await archive.WaitForAsync(href)).GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That((await archive.BulkUpdateAsync(Change(study, "Other^Name"))).GetProperty("status").GetString(), Is.EqualTo("completed"), "free again once it ended");
            return;
        }
        Assert.Fail("in five attempts the first update always ended before the second request arrived");
    }

    [TestCase("00100020", "CS", "X", "VR")]
    [TestCase("0020000D", "UI", "1.2.3", "UIDs")]
    [TestCase("00080018", "UI", "1.2.3", "UIDs")]
    [TestCase("7FE00010", "OW", "AAAA", "pixel data")]
    [TestCase("00280010", "US", "1", "pixel data")]
    [TestCase("00081110", "SQ", "x", "sequences")]
    [TestCase("00080060", "CS", "MR", "only patient and study")]
    [TestCase("00100030", "DA", "1990-01-01", "DA")]
    [TestCase("00100040", "CS", "female", "CS")]
    [TestCase("zzzz", "LO", "x", "not a DICOM tag")]
    public async Task BulkUpdate_ChangeDatasetRefused_400NamingTheAttribute(string tag, string vr, string value, string expected)
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        string study = TestDicom.NewUid();
        await archive.StoreAsync(study, "P1", ("CT", 1));
        var body = new { studyInstanceUids = new[] { study }, changeDataset = new Dictionary<string, object> { [tag] = new { vr, Value = new[] { value } } } };

        using var response = await archive.Client.PostAsJsonAsync("/dicomweb/studies/$bulkUpdate", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        string detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.That(detail, Does.Contain(expected));
        if (DicomTag.TryParse(tag, out var parsed) && DicomDictionary.GetKeyword(parsed) is { } keyword)
        {
            Assert.That(detail, Does.Contain(keyword), "the message names the attribute");
        }
    }

    [TestCase("{", "not valid JSON")]
    [TestCase("[]", "JSON object")]
    [TestCase("{\"studyInstanceUids\": [], \"changeDataset\": {}}", "at least one study")]
    [TestCase("{\"studyInstanceUids\": \"1.2.3\", \"changeDataset\": {}}", "array")]
    [TestCase("{\"studyInstanceUids\": [\"1.2.abc\"], \"changeDataset\": {\"00100020\": {\"vr\": \"LO\", \"Value\": [\"X\"]}}}", "not a valid UID")]
    [TestCase("{\"studyInstanceUids\": [\"1.2.3\"]}", "changeDataset is required")]
    [TestCase("{\"studyInstanceUids\": [\"1.2.3\"], \"changeDataset\": {\"00100020\": {\"vr\": \"LO\"}}}", "cannot be changed to empty")]
    [TestCase("{\"studyInstanceUids\": [\"1.2.3\"], \"changeDataset\": {}}", "names no attribute")]
    public async Task BulkUpdate_MalformedBody_400(string body, string expected)
    {
        await using var archive = await ManagementArchive.StartAsync(provider);

        using var response = await archive.Client.PostAsync("/dicomweb/studies/$bulkUpdate", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(expected));
    }

    [Test]
    public async Task BulkUpdate_HugeBodyUnknownStudyOrOperation_413Or404()
    {
        await using var archive = await ManagementArchive.StartAsync(provider);
        var huge = "{\"studyInstanceUids\": [\"1.2.3\"], \"changeDataset\": {\"00104000\": {\"vr\": \"LT\", \"Value\": [\"" + new string('x', 2 * 1024 * 1024) + "\"]}}}";

        using var tooLarge = await archive.Client.PostAsync("/dicomweb/studies/$bulkUpdate", new StringContent(huge, Encoding.UTF8, "application/json"));
        using var unknown = await archive.Client.PostAsJsonAsync("/dicomweb/studies/$bulkUpdate", Change(TestDicom.NewUid()));

        Assert.That(tooLarge.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/dicomweb/operations/" + Guid.NewGuid().ToString("N")), Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await archive.StatusAsync(HttpMethod.Get, "/dicomweb/operations/..%2F..%2Fetc"), Is.EqualTo(HttpStatusCode.NotFound));
    }
}
