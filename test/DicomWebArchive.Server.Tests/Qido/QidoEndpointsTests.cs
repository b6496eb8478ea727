using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Qido;

/// <summary>QIDO-RS through the real HTTP pipeline over instances stored by STOW-RS: real corpus files plus synthetic ones.</summary>
public sealed class QidoEndpointsTests
{
    private const string Root = "/dicomweb";
    private ArchiveFactory _factory = null!;
    private HttpClient _client = null!;
    private readonly string _studyA = TestDicom.NewUid();
    private readonly string _studyB = TestDicom.NewUid();
    private readonly string _seriesA1 = TestDicom.NewUid();
    private readonly string _seriesA2 = TestDicom.NewUid();
    private readonly string _seriesB = TestDicom.NewUid();

    [OneTimeSetUp]
    public async Task StoreCorpus()
    {
        _factory = new ArchiveFactory(("Qido:MaxLimit", "50"), ("Qido:DefaultLimit", "50"));
        _client = _factory.CreateClient();
        byte[][] synthetic =
        [
            new TestDicom(_studyA, _seriesA1, TestDicom.NewUid(), patientName: "O'Brien^Mary", modality: "CT").ToArray(),
            new TestDicom(_studyA, _seriesA1, TestDicom.NewUid(), patientName: "O'Brien^Mary", modality: "CT").ToArray(),
            new TestDicom(_studyA, _seriesA2, TestDicom.NewUid(), patientName: "O'Brien^Mary", modality: "PT").ToArray(),
            new TestDicom(_studyB, _seriesB, TestDicom.NewUid(), patientName: "Dvořák^Zdeňka", modality: "MR").ToArray(),
        ];
        var files = new[] { "CT_small.dcm", "MR_small.dcm" }.Select(PydicomCorpus.File)
            .Concat(new[] { "chrH31.dcm", "chrX1.dcm" }.Select(name => Path.Combine(PydicomCorpus.Root, "charset_files", name)))
            .Select(File.ReadAllBytes);
        var stored = await StowRequests.PostAsync(_client, StowRequests.Multipart(synthetic.Concat(files)));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString());
    }

    [OneTimeTearDown]
    public async Task StopArchive()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Test]
    public async Task OhifStudyList_ReturnsEveryFieldOhifReads()
    {
        var results = await SearchAsync("/studies?PatientName=*brien*&00100020=*PID*&AccessionNumber=&StudyDescription=&ModalitiesInStudy=CT" +
            "&StudyDate=20200101-20251231&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060,00080090,00100030");
        var study = results.Single();
        foreach (var tag in new[] { "0020000D", "00080020", "00080030", "00080050", "00100020", "00100010", "00100030", "00201208", "00081030", "00080061", "00080090" })
        {
            Assert.That(study.TryGetProperty(tag, out _), Is.True, tag);
        }
        Assert.That(Value(study, "0020000D"), Is.EqualTo(_studyA));
        Assert.That(study.GetProperty("00080061").GetProperty("Value").EnumerateArray().Select(v => v.GetString()), Is.EqualTo(new[] { "CT", "PT" }));
        Assert.That(study.GetProperty("00201208").GetProperty("Value")[0].GetInt32(), Is.EqualTo(3));
        Assert.That(study.GetProperty("00201206").GetProperty("Value")[0].GetInt32(), Is.EqualTo(2));
        Assert.That(study.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString(), Is.EqualTo("O'Brien^Mary"));
        Assert.That(Value(study, "00081190"), Does.EndWith($"{Root}/studies/{_studyA}"));
    }

    [Test]
    public async Task OhifSeriesList_ReturnsSeriesOfTheStudy()
    {
        var results = await SearchAsync($"/studies/{_studyA}/series?includefield=0008103E,00080021");
        Assert.That(results.Select(r => Value(r, "0020000E")), Is.EquivalentTo(new[] { _seriesA1, _seriesA2 }));
        Assert.That(results.Select(r => Value(r, "00080060")), Is.EquivalentTo(new[] { "CT", "PT" }));
        Assert.That(results.Select(r => r.GetProperty("00201209").GetProperty("Value")[0].GetInt32()), Is.EquivalentTo(new[] { 2, 1 }));
    }

    [Test]
    public async Task OtherStudiesOfPatient_MatchesPatientId()
    {
        var results = await SearchAsync("/studies?PatientID=PID-1&includefield=00081030");
        Assert.That(results.Select(r => Value(r, "0020000D")), Is.EquivalentTo(new[] { _studyA, _studyB }));
    }

    [Test]
    public async Task Instances_OfSeries_CarryRetrieveUrlAndSopClass()
    {
        var results = await SearchAsync($"/studies/{_studyA}/series/{_seriesA1}/instances");
        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results.Select(r => Value(r, "00080016")), Is.All.EqualTo("1.2.840.10008.5.1.4.1.1.2"));
        Assert.That(results.Select(r => Value(r, "00081190")), Is.All.Contains($"/studies/{_studyA}/series/{_seriesA1}/instances/"));
    }

    [Test]
    public async Task FuzzyName_FindsAccentedNameFromPlainPrefix()
    {
        var results = await SearchAsync("/studies?PatientName=dvor&fuzzymatching=true");
        Assert.That(results.Select(r => Value(r, "0020000D")), Is.EqualTo(new[] { _studyB }));
    }

    [Test]
    public async Task UrlEncodedWildcard_MatchesLikeLiteral()
    {
        var results = await SearchAsync("/studies?PatientName=%2Abrien%3Fmary");
        Assert.That(results.Select(r => Value(r, "0020000D")), Is.EqualTo(new[] { _studyA }));
    }

    [Test]
    public async Task JapaneseName_FromIso2022File_IsSearchable()
    {
        var results = await SearchAsync("/studies?PatientName=" + Uri.EscapeDataString("*山田*"));
        var name = results.Single().GetProperty("00100010").GetProperty("Value")[0];
        Assert.That(name.GetProperty("Alphabetic").GetString(), Is.EqualTo("Yamada^Tarou"));
        Assert.That(name.GetProperty("Ideographic").GetString(), Is.EqualTo("山田^太郎"));
        Assert.That(name.GetProperty("Phonetic").GetString(), Is.EqualTo("やまだ^たろう"));
    }

    [Test]
    public async Task NoMatch_IsEmptyArrayWith200()
    {
        using var response = await _client.GetAsync($"{Root}/studies?PatientID=nobody");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
    }

    [Test]
    public async Task ResultsBeyondLimit_CarryWarning()
    {
        using var response = await _client.GetAsync($"{Root}/instances?limit=2");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetArrayLength(), Is.EqualTo(2));
        Assert.That(response.Headers.GetValues("Warning").Single(), Does.StartWith("299 ").And.Contain("Additional results can be requested"));
    }

    [Test]
    public async Task LimitAboveMaximum_IsCappedWithWarning()
    {
        using var response = await _client.GetAsync($"{Root}/studies?limit=1000000");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Warning"), Has.Some.Contains("maximum of 50"));
    }

    [TestCase("/studies?PatientID='%20OR%201=1%20--")]
    [TestCase("/studies?PatientName=%25")]
    [TestCase("/studies?PatientName=_")]
    [TestCase("/studies?PatientName=%5B")]
    [TestCase("/studies?AccessionNumber=--")]
    [TestCase("/studies?offset=99999999999999")]
    public async Task HostileButValidValue_MatchesNothing(string query) =>
        Assert.That(await SearchAsync(query), Is.Empty);

    [TestCase("/studies?NoSuchKeyword=1", "NoSuchKeyword")]
    [TestCase("/studies?StudyDate=2020-01-01", "StudyDate")]
    [TestCase("/studies?StudyDate=20201301", "StudyDate")]
    [TestCase("/studies?StudyDate=20201231-20200101", "StudyDate")]
    [TestCase("/studies?limit=-1", "limit")]
    [TestCase("/studies?limit=abc", "limit")]
    [TestCase("/studies?offset=-1", "offset")]
    [TestCase("/studies?StudyInstanceUID=1.2.x", "1.2.x")]
    [TestCase("/studies?SOPInstanceUID=1.2.3", "SOPInstanceUID")]
    [TestCase("/studies/1.2.abc/series", "1.2.abc")]
    [TestCase("/studies/1.2.3/series/..%2F..%2Fetc/instances", "..")]
    [TestCase("/studies?includefield=Nope", "Nope")]
    public async Task BadQuery_Is400NamingTheProblem(string query, string named)
    {
        using var response = await _client.GetAsync(Root + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), Does.Contain(named));
    }

    [Test]
    public async Task TenThousandCharacterValue_Is400()
    {
        using var response = await _client.GetAsync($"{Root}/studies?PatientName={new string('a', 10_000)}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task UnindexedKey_IsIgnoredWithWarningAndReturnedFromMetadata()
    {
        using var response = await _client.GetAsync($"{Root}/instances?PatientID=PID-1&00200013=&0020000D={_studyB}&StudyID=");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var unindexed = await _client.GetAsync($"{Root}/instances?0020000D={_studyB}&PatientBirthTime=1200");
        var body = await unindexed.Content.ReadAsStringAsync();
        Assert.That(unindexed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(unindexed.Headers.GetValues("Warning").Single(), Does.Contain("PatientBirthTime"));
        Assert.That(JsonDocument.Parse(body).RootElement.GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task IncludeFieldAll_AtInstanceLevel_ReturnsStoredMetadata()
    {
        var results = await SearchAsync($"/studies/{_studyB}/instances?includefield=all");
        Assert.That(Value(results.Single(), "00080020"), Is.EqualTo("20240131"));
        Assert.That(results.Single().TryGetProperty("00080060", out _), Is.True);
    }

    /// <summary>Random keys and values (seeded) at every resource: answers are 200 or 400, never a server error.</summary>
    [Test]
    public async Task RandomQueries_NeverServerError()
    {
        var random = new Random(20261129);
        string[] keys = ["PatientName", "PatientID", "StudyDate", "StudyTime", "AccessionNumber", "ModalitiesInStudy", "StudyInstanceUID",
            "SeriesInstanceUID", "SOPInstanceUID", "SeriesNumber", "InstanceNumber", "00100010", "0020000D", "includefield", "limit", "offset",
            "fuzzymatching", "emptyvaluematching", "multiplevaluematching", "PatientBirthTime", "Rows", "7FE00010", "ReferencedSeriesSequence.SeriesInstanceUID"];
        string[] pieces = ["*", "?", "%", "_", "[", "]", "'", "\"", "\\", ",", "-", "^", "=", "..", "/", "1.2.3", "20200101", "2359", "all", "true", "CT",
            "é", "山田", "\0", " ", "--", ";", "x", "0", "-1", "99999999999999999999", "00100010"];
        string[] resources = ["/studies", "/series", "/instances", $"/studies/{_studyA}/series", $"/studies/{_studyA}/instances", $"/studies/{_studyA}/series/{_seriesA1}/instances"];
        for (var i = 0; i < 400; i++)
        {
            var query = string.Join("&", Enumerable.Range(0, 1 + random.Next(4)).Select(_ =>
                Uri.EscapeDataString(keys[random.Next(keys.Length)]) + "=" +
                Uri.EscapeDataString(string.Concat(Enumerable.Range(0, random.Next(5)).Select(_ => pieces[random.Next(pieces.Length)])))));
            var url = $"{Root}{resources[random.Next(resources.Length)]}?{query}";
            using var response = await _client.GetAsync(url);
            Assert.That((int)response.StatusCode, Is.EqualTo(200).Or.EqualTo(400), url);
        }
    }

    [Test]
    public async Task XmlAccept_OneNativeDicomModelPartPerResult()
    {
        var parts = await XmlPartsAsync($"{Root}/studies?PatientID=PID-1");
        Assert.That(parts.Select(p => Value(p, "0020000D")), Is.EquivalentTo(new[] { _studyA, _studyB }));
        var name = parts.Select(p => p.Root!.Elements(Native + "DicomAttribute").Single(a => a.Attribute("tag")!.Value == "00100010"))
            .Select(a => a.Element(Native + "PersonName")!.Element(Native + "Alphabetic")!.Element(Native + "FamilyName")!.Value);
        Assert.That(name, Is.EquivalentTo(new[] { "O'Brien", "Dvořák" }));
    }

    [Test]
    public async Task XmlAccept_NoMatch_Is204()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/studies?PatientID=nobody");
        request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom+xml\"");
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task XmlAccept_SeriesMetadata_OnePartPerInstance()
    {
        var parts = await XmlPartsAsync($"{Root}/studies/{_studyA}/series/{_seriesA1}/metadata");
        Assert.That(parts, Has.Count.EqualTo(2));
        Assert.That(parts.Select(p => Value(p, "0020000E")), Is.All.EqualTo(_seriesA1));
    }

    private static readonly System.Xml.Linq.XNamespace Native = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private async Task<List<System.Xml.Linq.XDocument>> XmlPartsAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom+xml\"");
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var contentType = response.Content.Headers.ContentType!;
        Assert.That(contentType.MediaType, Is.EqualTo("multipart/related"));
        Assert.That(contentType.Parameters.Single(p => p.Name == "type").Value, Is.EqualTo("\"application/dicom+xml\""));
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var parts = new List<System.Xml.Linq.XDocument>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            Assert.That(section.ContentType, Does.StartWith("application/dicom+xml"));
            parts.Add(await System.Xml.Linq.XDocument.LoadAsync(section.Body, System.Xml.Linq.LoadOptions.None, CancellationToken.None));
        }
        return parts;
    }

    private static string? Value(System.Xml.Linq.XDocument part, string tag) =>
        part.Root!.Elements(Native + "DicomAttribute").SingleOrDefault(a => a.Attribute("tag")!.Value == tag)?.Element(Native + "Value")?.Value;

    [Test]
    public async Task UnsupportedAccept_Is406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/studies");
        request.Headers.Accept.ParseAdd("image/png");
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
    }

    private async Task<List<JsonElement>> SearchAsync(string query)
    {
        using var response = await _client.GetAsync(Root + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/dicom+json"));
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static string? Value(JsonElement result, string tag) =>
        result.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var value) ? value[0].GetString() : null;
}
