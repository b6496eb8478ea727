using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Tests.Support;
using DicomWebArchive.Server.Tests.Wado;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>
/// Real-world files stored as other archives store them, and the uploader told why: a meta group of another instance
/// or none (stored with a corrected one, warning B000), UID components with leading zeros (stored as sent, B007, and
/// found and retrieved by them), and every refusal and warning with its reason in words (Error Comment).
/// </summary>
public sealed class StowLeniencyTests
{
    private const string ErrorComment = "00000902";

    private ArchiveFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartArchive()
    {
        _factory = new ArchiveFactory();
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopArchive()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [TearDown]
    public async Task ArchiveStaysHealthyAndConsistent()
    {
        var ready = await _client.GetAsync("/health/ready");
        Assert.That((int)ready.StatusCode, Is.EqualTo(200), "ready endpoint");
        _factory.Archive.AssertConsistent();
    }

    private static string InstancePath(string study, string series, string sop) => $"/dicomweb/studies/{study}/series/{series}/instances/{sop}";

    private async Task<byte[]> RetrieveAsStoredAsync(string path)
    {
        using var response = await _client.SendAsync(WadoResponses.Get(path, "application/dicom; transfer-syntax=*"));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<byte[]> DatasetBytes(byte[] file) =>
        file[(int)(await DicomReader.ReadAsync(new MemoryStream(file))).DatasetOffset..];

    [Test]
    public async Task PostStudies_MetaOfAnotherInstance_202WithB000AndTheCorrectedFileIsRetrieved()
    {
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var sent = new TestDicom(study, series, sop, metaSop: TestDicom.NewUid()).ToArray();

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([sent]));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Referenced.Single(), Is.EqualTo(((string?)TestDicom.CtImageStorage, (string?)sop, (string?)$"http://localhost{InstancePath(study, series, sop)}", (int?)StoreWarningReason.CoercionOfDataElements)));
        Assert.That(result.ReferencedComments.Single(), Does.Contain("Media Storage SOP Instance UID (0002,0003) differs from SOP Instance UID (0008,0018)"));
        Assert.That(result.Failed, Is.Empty);

        var stored = await RetrieveAsStoredAsync(InstancePath(study, series, sop));
        Assert.That(await DatasetBytes(stored), Is.EqualTo(await DatasetBytes(sent)), "the data set is stored as sent");
        var dump = Dcmdump(stored);
        Assert.That(dump, Does.Contain($"(0002,0003) UI [{sop}]").And.Contain($"(0008,0018) UI [{sop}]"));
        Assert.That(dump, Does.Contain("(0002,0012) UI [1.2.826.0.1.3680043.10.1]"), "the sender's implementation is kept");
    }

    [Test]
    public async Task PostStudies_SameMismatchedFileTwiceAndItsCorrectTwin_OneInstanceStoredOnce()
    {
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var mismatched = new TestDicom(study, series, sop, metaSop: TestDicom.NewUid()).ToArray();
        var correct = new TestDicom(study, series, sop).ToArray();

        var first = await StowRequests.PostAsync(_client, StowRequests.Multipart([mismatched]));
        var again = await StowRequests.PostAsync(_client, StowRequests.Multipart([mismatched]));
        var twin = await StowRequests.PostAsync(_client, StowRequests.Multipart([correct]));

        // The corrected file is byte for byte what a correct upload of the same data set stores: each is recognised.
        Assert.That((first.Status, again.Status, twin.Status), Is.EqualTo((202, 202, 200)), $"{first}\n{again}\n{twin}");
        Assert.That(again.Referenced.Single().Warning, Is.EqualTo(StoreWarningReason.CoercionOfDataElements), "a retry is told the same");
        Assert.That(_factory.Archive.Instances().Count(r => r.SopInstanceUid == sop), Is.EqualTo(1));
    }

    [TestCase("ExplVR_LitEndNoMeta.dcm", "Explicit VR Little Endian")]
    [TestCase("rtstruct.dcm", "Implicit VR Little Endian")]
    [TestCase("ExplVR_BigEndNoMeta.dcm", "Explicit VR Big Endian")]
    public async Task PostStudies_BareDataSet_202WithB000AndRetrievedAsAPart10File(string name, string syntax)
    {
        var sent = await File.ReadAllBytesAsync(PydicomCorpus.File(name));
        var original = await DicomReader.ReadAsync(new MemoryStream(sent));
        string study = original.Dataset.GetAsciiString(DicomTags.StudyInstanceUID)!, series = original.Dataset.GetAsciiString(DicomTags.SeriesInstanceUID)!;
        string sop = original.Dataset.GetAsciiString(DicomTags.SOPInstanceUID)!;
        await using var archive = new ArchiveFactory(); // the two ExplVR files share their SOP Instance UID
        using var client = archive.CreateClient();

        var result = await StowRequests.PostAsync(client, StowRequests.Multipart([sent]));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Referenced.Single().Warning, Is.EqualTo(StoreWarningReason.CoercionOfDataElements));
        Assert.That(result.ReferencedComments.Single(), Is.EqualTo($"The file has no File Meta Information; it was stored with one written for its data set ({syntax}, as detected)."));
        using var response = await client.SendAsync(WadoResponses.Get(InstancePath(study, series, sop), "application/dicom; transfer-syntax=*"));
        var stored = await response.Content.ReadAsByteArrayAsync();
        Assert.That(stored[(stored.Length - sent.Length)..], Is.EqualTo(sent), "the data set is stored as sent, after the new header");
        Assert.That(Dcmdump(stored), Does.Contain($"(0002,0003) UI [{sop}]"));
        // pydicom, without force, reads only a Part 10 file whose meta group names its transfer syntax.
        string pydicom = WithFile(stored, path => ExternalTool.Python(
            "import sys, pydicom; ds = pydicom.dcmread(sys.argv[1]); print(ds.file_meta.TransferSyntaxUID.name, ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID)", path));
        Assert.That(pydicom.Trim(), Is.EqualTo(syntax + " True"));
    }

    [Test]
    public async Task PostStudies_LeadingZeroUids_202WithB007AndFoundAndRetrievedByThem()
    {
        string study = "1.2.246.352.91.0000217.2005", series = study + ".01", sop = study + ".01.0001";

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([new TestDicom(study, series, sop, patientName: "Leading^Zero").ToArray()]));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Referenced.Single().Warning, Is.EqualTo(StoreWarningReason.DataSetDoesNotMatchSopClass));
        Assert.That(result.ReferencedComments.Single(), Does.StartWith("SOP Instance UID (0008,0018) has a component with a leading zero"));
        Assert.That(result.StudyRetrieveUrl, Is.EqualTo($"http://localhost/dicomweb/studies/{study}"));

        foreach (var query in new[] { $"/dicomweb/studies?StudyInstanceUID={study}", $"/dicomweb/studies/{study}/series?SeriesInstanceUID={series}", $"/dicomweb/instances?SOPInstanceUID={sop}" })
        {
            var found = JsonNode.Parse(await _client.GetStringAsync(query))!.AsArray();
            Assert.That(found, Has.Count.EqualTo(1), query);
        }
        var metadata = JsonNode.Parse(await _client.GetStringAsync(InstancePath(study, series, sop) + "/metadata"))!;
        Assert.That(metadata[0]!["00080018"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo(sop));
        using var wadoUri = await _client.GetAsync($"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}&contentType=application/dicom");
        Assert.That((int)wadoUri.StatusCode, Is.EqualTo(200));
        var route = await StowRequests.PostAsync(_client, StowRequests.Multipart([new TestDicom(study, series, sop + ".2").ToArray()]), $"/dicomweb/studies/{study}");
        Assert.That(route.Status, Is.EqualTo(202), $"the study route takes such a UID too: {route}");
    }

    [Test]
    public async Task PostStudies_StoredCoercedAndRefusedTogether_EachSaysWhatHappened()
    {
        string good = TestDicom.NewUid(), coerced = TestDicom.NewUid(), badStudy = TestDicom.NewUid();
        var parts = new[]
        {
            new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), good).ToArray(),
            new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), coerced, metaSop: "1.2.3").ToArray(),
            new TestDicom(badStudy + ".x", TestDicom.NewUid(), TestDicom.NewUid()).ToArray(),
            "this is not DICOM, it is a text file that went astray"u8.ToArray(),
        };

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart(parts));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Referenced.Select(r => (r.SopInstance, r.Warning)), Is.EqualTo(new[] { ((string?)good, (int?)null), (coerced, StoreWarningReason.CoercionOfDataElements) }));
        Assert.That(result.ReferencedComments[0], Is.Null, "a plain success carries no comment");
        Assert.That(result.Failed.Select(f => f.Reason), Is.EqualTo(new[] { (int)StoreFailureReason.DataSetDoesNotMatchSopClass, StoreFailureReason.CannotUnderstand }));
        Assert.That(result.FailureComments[0], Is.EqualTo("Study Instance UID (0020,000D) has characters other than digits and dots."));
        Assert.That(result.FailureComments[1], Does.StartWith("The part cannot be read as DICOM: Not a DICOM file"));
        var json = JsonNode.Parse(result.Body)!;
        Assert.That(json["00081198"]!["Value"]![0]![ErrorComment]!["vr"]!.GetValue<string>(), Is.EqualTo("LO"));
    }

    [Test]
    public async Task PostStudies_AcceptXml_ErrorCommentsInNativeDicomModel()
    {
        var parts = new[]
        {
            new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid(), metaSop: "1.2.3").ToArray(),
            new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), "1.2..3").ToArray(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = StowRequests.Multipart(parts) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+xml"));

        using var response = await _client.SendAsync(request);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());

        XNamespace ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
        string? Comment(string sequence) => xml.Root!.Elements(ns + "DicomAttribute").Single(a => (string?)a.Attribute("tag") == sequence)
            .Element(ns + "Item")!.Elements(ns + "DicomAttribute").SingleOrDefault(a => (string?)a.Attribute("tag") == ErrorComment)?.Element(ns + "Value")?.Value;
        Assert.That((int)response.StatusCode, Is.EqualTo(202));
        Assert.That(Comment("00081198"), Is.EqualTo("SOP Instance UID (0008,0018) has an empty component (two dots in a row, or a dot at either end)."));
        Assert.That(Comment("00081199"), Does.Contain("(0002,0003)"));
    }

    private static string Dcmdump(byte[] file) => WithFile(file, path =>
    {
        // +fo: only a Part 10 file is read, so a missing or broken meta group fails rather than being guessed around.
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcmdump", "+fo", path);
        Assert.That((exitCode, stderr), Is.EqualTo((0, "")), "dcmdump reads the retrieved file without complaint");
        return stdout;
    });

    private static string WithFile(byte[] bytes, Func<string, string> use)
    {
        using var directory = new TempDirectory("dwa-lenient-");
        string path = directory.Combine("instance.dcm");
        File.WriteAllBytes(path, bytes);
        return use(path);
    }
}
