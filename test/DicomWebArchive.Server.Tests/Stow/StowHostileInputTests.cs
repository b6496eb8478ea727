using System.Net.Http.Headers;
using System.Text;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>Input a hostile or broken client sends: the right status and reason, nothing half-stored, the server still ready.</summary>
public sealed class StowHostileInputTests
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

    private static readonly byte[] Valid = new TestDicom("1.2.3", "1.2.3.4", "1.2.3.4.5").ToArray();

    private static IEnumerable<TestCaseData> BrokenParts()
    {
        yield return new TestCaseData("not DICOM", Encoding.UTF8.GetBytes("%PDF-1.7 this is not DICOM at all, but it is long enough to hold a preamble. ".PadRight(400, '.'))).SetArgDisplayNames("non-DICOM");
        yield return new TestCaseData("empty", Array.Empty<byte>()).SetArgDisplayNames("empty");
        yield return new TestCaseData("truncated in meta", Valid[..150]).SetArgDisplayNames("truncated-meta");
        yield return new TestCaseData("truncated in data set", Valid[..(Valid.Length - 7)]).SetArgDisplayNames("truncated-dataset");
        var deep = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).AddNestedSequences(10_000).ToArray();
        yield return new TestCaseData("10,000 nested sequences", deep).SetArgDisplayNames("nested-10000");
    }

    [TestCaseSource(nameof(BrokenParts))]
    public async Task PostStudies_UnparseablePart_400WithCannotUnderstand(string what, byte[] part)
    {
        int blobsBefore = _factory.Archive.BlobFiles().Count;

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([part]));

        Assert.That(result.Status, Is.EqualTo(400), $"{what}: {result}");
        Assert.That(result.Failed.Single().Reason, Is.EqualTo(StoreFailureReason.CannotUnderstand), what);
        Assert.That(_factory.Archive.BlobFiles(), Has.Count.EqualTo(blobsBefore), what);
    }

    private static IEnumerable<TestCaseData> BadUids()
    {
        string ok = TestDicom.NewUid();
        string sixtyFive = "1." + new string('2', 63);
        yield return new TestCaseData("SOP Instance UID with ../", ok, ok + ".1", "../../etc/passwd", null).SetArgDisplayNames("sop-dotdot");
        yield return new TestCaseData("Study UID with ../", "1.2/../../3", ok + ".1", ok + ".2", null).SetArgDisplayNames("study-dotdot");
        yield return new TestCaseData("Series UID of 65 characters", ok, sixtyFive, ok + ".2", null).SetArgDisplayNames("series-65");
        yield return new TestCaseData("SOP Instance UID of 65 characters", ok, ok + ".1", sixtyFive, null).SetArgDisplayNames("sop-65");
        yield return new TestCaseData("SOP Instance UID with letters", ok, ok + ".1", "1.2.abc", null).SetArgDisplayNames("sop-letters");
        yield return new TestCaseData("Study UID with letters", "1.2.3x", ok + ".1", ok + ".2", null).SetArgDisplayNames("study-letters");
        yield return new TestCaseData("SOP Instance UID with an empty component", ok, ok + ".1", ok + "..2", null).SetArgDisplayNames("sop-empty-component");
        yield return new TestCaseData("Series UID ending in a dot", ok, ok + ".", ok + ".2", null).SetArgDisplayNames("series-trailing-dot");
    }

    [TestCaseSource(nameof(BadUids))]
    public async Task PostStudies_InvalidUids_409WithA900AndNoRow(string what, string study, string series, string sop, string? metaSop)
    {
        int blobsBefore = _factory.Archive.BlobFiles().Count;

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([new TestDicom(study, series, sop, metaSop: metaSop).ToArray()]));

        Assert.That(result.Status, Is.EqualTo(409), $"{what}: {result}");
        Assert.That(result.Failed.Single().Reason, Is.EqualTo(StoreFailureReason.DataSetDoesNotMatchSopClass), what);
        Assert.That(result.FailureComments.Single(), Does.Match(@"^(SOP Instance|Study Instance|Series Instance) UID \(0020,000[DE]|0008,0018\) "), what);
        Assert.That(_factory.Archive.Instances().Select(r => r.SopInstanceUid), Does.Not.Contain(sop), what);
        Assert.That(_factory.Archive.BlobFiles(), Has.Count.EqualTo(blobsBefore), what);
    }

    [Test]
    public async Task PostStudies_UnknownTransferSyntax_409WithC122()
    {
        string sop = TestDicom.NewUid();
        var file = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop, transferSyntax: "1.2.826.0.1.3680043.10.1.777").ToArray();

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([file]));

        Assert.That(result.Status, Is.EqualTo(409), result.ToString);
        Assert.That(result.Failed.Single(), Is.EqualTo(((string?)TestDicom.CtImageStorage, (string?)sop, (int)StoreFailureReason.TransferSyntaxNotSupported)));
    }

    [TestCase("1.2.abc")]
    [TestCase("1..3")]
    [TestCase("..%2F..%2Fetc")]
    public async Task PostStudy_RouteStudyNotAUid_400(string study)
    {
        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([Valid]), $"/dicomweb/studies/{study}");

        Assert.That(result.Status, Is.EqualTo(400), result.ToString);
        Assert.That(result.ContentType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task PostStudies_NoBoundaryParameter_400()
    {
        var content = new ByteArrayContent(Valid);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/related; type=\"application/dicom\"");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(400), result.ToString);
        Assert.That(result.ContentType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task PostStudies_BodyUsesAnotherBoundary_400()
    {
        var body = new MemoryStream();
        await StowRequests.Multipart([Valid]).CopyToAsync(body);
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/related; type=\"application/dicom\"; boundary=not-the-one-used");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(400), result.ToString);
    }

    [Test]
    public async Task PostStudies_NoPartAtAll_400()
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes($"--{StowRequests.Boundary}--\r\n"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={StowRequests.Boundary}");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(400), result.ToString);
    }

    [Test]
    public async Task PostStudies_MultipartEndsInsidePart_400AndPartRemoved()
    {
        var body = new MemoryStream();
        await StowRequests.Multipart([Valid]).CopyToAsync(body);
        var content = new ByteArrayContent(body.ToArray()[..(int)(body.Length - 40)]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={StowRequests.Boundary}");

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(400), result.ToString);
        Assert.That(_factory.Archive.BlobFiles(), Is.Empty);
    }

    [TestCase("text/plain")]
    [TestCase("application/octet-stream")]
    [TestCase("multipart/related; type=\"application/dicom+json\"; boundary=x")]
    [TestCase("multipart/related; type=\"application/dicom+xml\"; boundary=x")]
    [TestCase("multipart/form-data; boundary=x")]
    public async Task PostStudies_UnsupportedContentType_415(string contentType)
    {
        var content = new ByteArrayContent(Valid);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(415), result.ToString);
    }

    [Test]
    public async Task PostStudies_NoContentType_415()
    {
        var content = new ByteArrayContent(Valid);
        content.Headers.ContentType = null;

        var result = await StowRequests.PostAsync(_client, content);

        Assert.That(result.Status, Is.EqualTo(415), result.ToString);
    }

    [Test]
    public async Task PostStudies_PartOfAnotherType_Failed()
    {
        var json = new ByteArrayContent("[]"u8.ToArray());
        json.Headers.ContentType = new MediaTypeHeaderValue("application/dicom+json");

        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([json, new ByteArrayContent(new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray())]));

        Assert.That(result.Status, Is.EqualTo(202), result.ToString);
        Assert.That(result.Failed.Single().Reason, Is.EqualTo(StoreFailureReason.CannotUnderstand));
    }
}
