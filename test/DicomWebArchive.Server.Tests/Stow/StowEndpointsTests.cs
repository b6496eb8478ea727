using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

public sealed class StowEndpointsTests
{
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

    private static byte[] Instance(string? study = null, string? series = null, string? sop = null) =>
        new TestDicom(study ?? TestDicom.NewUid(), series ?? TestDicom.NewUid(), sop ?? TestDicom.NewUid()).ToArray();

    [Test]
    public async Task PostStudies_ThreeInstances_200WithRetrieveUrlsAndIndexedAsSent()
    {
        string study = TestDicom.NewUid(), seriesA = TestDicom.NewUid(), seriesB = TestDicom.NewUid();
        var files = new[]
        {
            new TestDicom(study, seriesA, TestDicom.NewUid(), patientName: "O'Brien^Zoë").ToArray(),
            new TestDicom(study, seriesA, TestDicom.NewUid(), patientName: "O'Brien^Zoë").ToArray(),
            new TestDicom(study, seriesB, TestDicom.NewUid(), patientName: "O'Brien^Zoë", modality: "SR", sopClass: "1.2.840.10008.5.1.4.1.1.88.11").ToArray(),
        };

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart(files));

        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
        Assert.That(result.ContentType, Is.EqualTo("application/dicom+json"));
        Assert.That(result.StudyRetrieveUrl, Is.EqualTo($"http://localhost/dicomweb/studies/{study}"));
        Assert.That(result.Referenced, Has.Count.EqualTo(3));
        Assert.That(result.Referenced.Select(r => r.RetrieveUrl), Has.All.StartWith($"http://localhost/dicomweb/studies/{study}/series/"));
        Assert.That(result.Failed, Is.Empty);

        var rows = _factory.Archive.Instances().Where(r => r.StudyInstanceUid == study).ToList();
        Assert.That(rows, Has.Count.EqualTo(3));
        foreach (var row in rows)
        {
            var sent = files.Single(f => Encoding.ASCII.GetString(f).Contains(row.SopInstanceUid, StringComparison.Ordinal)).ToArray();
            sent.AsSpan(0, 128).Clear();
            var blob = await File.ReadAllBytesAsync(_factory.Archive.BlobPath(row.BlobKey));
            Assert.That(blob, Is.EqualTo(sent), "blob = upload with zeroed preamble");
            Assert.That(row.Sha256, Is.EqualTo(SHA256.HashData(blob)));
            Assert.That(row.TransferSyntaxUid, Is.EqualTo(TestDicom.ExplicitVRLittleEndian));
            using var json = new StreamReader(new GZipStream(new MemoryStream(row.Metadata), CompressionMode.Decompress));
            Assert.That(await json.ReadToEndAsync(), Does.Contain("O'Brien^Zoë").And.Contain(row.SopInstanceUid));
        }

        var study_ = _factory.Archive.Query<(string, string, long, long, string, string)>(
            "SELECT patient_name, patient_name_normalized, number_of_series, number_of_instances, modalities_in_study, sop_classes_in_study FROM study WHERE study_instance_uid = @study",
            new { study }).Single();
        Assert.That(study_, Is.EqualTo(("O'Brien^Zoë", "O'BRIEN^ZOE", 2L, 3L, "CT\\SR", "1.2.840.10008.5.1.4.1.1.2\\1.2.840.10008.5.1.4.1.1.88.11")));
        var seriesCounts = _factory.Archive.Query<long>(
            "SELECT se.number_of_instances FROM series se JOIN study st ON st.id = se.study_id WHERE st.study_instance_uid = @study ORDER BY se.number_of_instances",
            new { study });
        Assert.That(seriesCounts, Is.EqualTo(new[] { 1L, 2L }));
    }

    /// <summary>Many tiny parts make completions finish while later parts are read: every one is answered and stored.</summary>
    [Test]
    public async Task PostStudies_FiveHundredSmallParts_AllStored()
    {
        string study = TestDicom.NewUid(), series = TestDicom.NewUid();
        var instances = Enumerable.Range(0, 500).Select(_ => Instance(study, series)).ToList();

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart(instances));

        Assert.That(result.Status, Is.EqualTo(200), result.ToString());
        Assert.That(result.Referenced, Has.Count.EqualTo(500));
        Assert.That(_factory.Archive.Query<long>("SELECT number_of_instances FROM study WHERE study_instance_uid = @study", new { study }).Single(), Is.EqualTo(500));
    }

    [Test]
    public async Task PostStudies_UnquotedTypeAndTransferSyntaxParameter_Stored()
    {
        var content = StowRequests.Multipart([Instance()], quotedType: false, extraParameter: "transfer-syntax=1.2.840.10008.1.2.1");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
    }

    [Test]
    public async Task PostStudies_SingleApplicationDicomBody_Stored()
    {
        var content = new ByteArrayContent(Instance());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
        Assert.That(result.Referenced, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task PostStudy_OneInstanceOfAnotherStudy_202AndMismatchFailsA901()
    {
        string study = TestDicom.NewUid(), strangerSop = TestDicom.NewUid();
        var content = StowRequests.Multipart([Instance(study), Instance(sop: strangerSop)]);

        var result = await StowRequests.PostAsync(_client, content, $"/dicomweb/studies/{study}");

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.StudyRetrieveUrl, Is.EqualTo($"http://localhost/dicomweb/studies/{study}"));
        Assert.That(result.Failed, Is.EqualTo(new[] { ((string?)TestDicom.CtImageStorage, (string?)strangerSop, (int)StoreFailureReason.StudyInstanceUidMismatch) }));
        Assert.That(_factory.Archive.Instances().Select(r => r.SopInstanceUid), Does.Not.Contain(strangerSop));
    }

    [Test]
    public async Task PostStudy_OnlyOtherStudies_409()
    {
        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([Instance()]), $"/dicomweb/studies/{TestDicom.NewUid()}");

        Assert.That(result.Status, Is.EqualTo(409), result.ToString);
        Assert.That(result.Failed.Single().Reason, Is.EqualTo(StoreFailureReason.StudyInstanceUidMismatch));
    }

    [Test]
    public async Task PostStudies_IdenticalResend_200AndStoredOnce()
    {
        string sop = TestDicom.NewUid();
        var file = Instance(sop: sop);

        var first = await StowRequests.PostAsync(_client, StowRequests.Multipart([file]));
        var again = await StowRequests.PostAsync(_client, StowRequests.Multipart([file, file]));

        Assert.That((first.Status, again.Status), Is.EqualTo((200, 200)), again.ToString);
        Assert.That(_factory.Archive.Instances().Count(r => r.SopInstanceUid == sop), Is.EqualTo(1));
    }

    [Test]
    public async Task PostStudies_SameSopInstanceUidDifferentBytes_409With0111AndOriginalKept()
    {
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        var original = new TestDicom(study, series, sop, patientName: "First").ToArray();
        var changed = new TestDicom(study, series, sop, patientName: "Second").ToArray();
        await StowRequests.PostAsync(_client, StowRequests.Multipart([original]));

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([changed]));

        Assert.That(result.Status, Is.EqualTo(409), result.ToString);
        Assert.That(result.Failed.Single(), Is.EqualTo(((string?)TestDicom.CtImageStorage, (string?)sop, (int)StoreFailureReason.DuplicateSopInstance)));
        var row = _factory.Archive.Instances().Single(r => r.SopInstanceUid == sop);
        original.AsSpan(0, 128).Clear();
        Assert.That(row.Sha256, Is.EqualTo(SHA256.HashData(original)));
    }

    [Test]
    public async Task PostStudies_DuplicatesOverwrite_ReplacedAndOldBlobRemoved()
    {
        await using var factory = new ArchiveFactory(("Store:Duplicates", "Overwrite"));
        using var client = factory.CreateClient();
        string study = TestDicom.NewUid(), series = TestDicom.NewUid(), sop = TestDicom.NewUid();
        await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(study, series, sop, patientName: "First").ToArray()]));
        var changed = new TestDicom(study, series, sop, patientName: "Second").ToArray();

        var result = await StowRequests.PostAsync(client, StowRequests.Multipart([changed]));

        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
        changed.AsSpan(0, 128).Clear();
        Assert.That(factory.Archive.Instances().Single().Sha256, Is.EqualTo(SHA256.HashData(changed)));
        Assert.That(factory.Archive.BlobFiles(), Has.Count.EqualTo(1));
        factory.Archive.AssertConsistent();
    }

    [Test]
    public async Task PostStudies_ValidAndBrokenParts_202WithEach()
    {
        string sop = TestDicom.NewUid();

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([Instance(sop: sop), "not dicom at all"u8.ToArray()]));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Referenced.Single().SopInstance, Is.EqualTo(sop));
        Assert.That(result.Failed.Single().Reason, Is.EqualTo(StoreFailureReason.CannotUnderstand));
    }

    [Test]
    public async Task PostStudies_AcceptXml_NativeDicomModel()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = StowRequests.Multipart([Instance()]) };
        request.Headers.Accept.ParseAdd("application/dicom+xml");

        using var response = await _client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(200), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/dicom+xml"));
        Assert.That(body, Does.Contain("<NativeDicomModel").And.Contain("tag=\"00081199\""));
    }

    [TestCase("image/png")]
    [TestCase("application/dicom")]
    public async Task PostStudies_UnsupportedAccept_406(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dicomweb/studies") { Content = StowRequests.Multipart([Instance()]) };
        request.Headers.Accept.ParseAdd(accept);

        using var response = await _client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(406));
    }
}
