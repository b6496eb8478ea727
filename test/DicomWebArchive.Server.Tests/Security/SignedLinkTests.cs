using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Security;

/// <summary>
/// Signed links to one study: read everything of that study until the link expires, as ?token=, as a bearer token, or
/// inside a DICOMweb root a viewer appends paths to; nothing else, no writes; tampered or expired links are a 401.
/// </summary>
public sealed class SignedLinkTests
{
    private SecureArchive _archive = null!;
    private (string Study, string Series, string Sop) _linked;
    private (string Study, string Series, string Sop) _other;
    private string _token = null!;
    private string _dicomWebRoot = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _archive = new SecureArchive();
        _linked = await _archive.StoreAsync("P-LINK");
        _other = await _archive.StoreAsync("P-OTHER");
        var answer = await CreateAsync(_archive.Token("ehr", "dicom.read", patients: ["P-LINK"]), _linked.Study, 600);
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await answer.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        _token = json.RootElement.GetProperty("token").GetString()!;
        _dicomWebRoot = json.RootElement.GetProperty("urls").GetProperty("dicomWeb").GetString()!;
        Assert.That(DateTimeOffset.Parse(json.RootElement.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            Is.EqualTo(DateTimeOffset.UtcNow.AddSeconds(600)).Within(TimeSpan.FromMinutes(1)));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _archive.DisposeAsync();

    private Task<HttpResponseMessage> CreateAsync(string token, string study, long seconds) =>
        _archive.SendAsync(HttpMethod.Post, "/api/links", token, JsonContent.Create(new { studyInstanceUid = study, expiresInSeconds = seconds }));

    private static string InstancePath((string Study, string Series, string Sop) target) =>
        $"/studies/{target.Study}/series/{target.Series}/instances/{target.Sop}";

    private IEnumerable<string> ReadPaths((string Study, string Series, string Sop) target) =>
    [
        $"/studies/{target.Study}",
        $"/studies/{target.Study}/metadata",
        $"/studies/{target.Study}/series/{target.Series}/metadata",
        InstancePath(target) + "/frames/1",
        InstancePath(target) + "/rendered",
        InstancePath(target) + "/thumbnail",
        $"/studies/{target.Study}/thumbnail",
        InstancePath(target) + "/bulkdata/7FE00010",
    ];

    [Test]
    public async Task Link_InDicomWebRoot_ReadsTheStudyEveryWayWithoutAnyOtherCredential()
    {
        var root = new Uri(_dicomWebRoot).PathAndQuery;
        foreach (var path in ReadPaths(_linked))
        {
            Assert.That((await _archive.GetAsync(root + path, token: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        }
        string wadoUri = root[..root.LastIndexOf("/dicomweb", StringComparison.Ordinal)] + $"/wado?requestType=WADO&studyUID={_linked.Study}&seriesUID={_linked.Series}&objectUID={_linked.Sop}";
        Assert.That((await _archive.GetAsync(wadoUri, token: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "WADO-URI under the link");
    }

    [Test]
    public async Task Link_Search_FindsJustItsStudyWithRetrieveUrlsThatKeepTheLink()
    {
        var root = new Uri(_dicomWebRoot).PathAndQuery;

        var response = await _archive.GetAsync(root + "/studies", token: null);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var study = json.RootElement.EnumerateArray().Single();
        Assert.That(study.GetProperty("0020000D").GetProperty("Value")[0].GetString(), Is.EqualTo(_linked.Study));
        Assert.That(study.GetProperty("00081190").GetProperty("Value")[0].GetString(), Is.EqualTo($"{_dicomWebRoot}/studies/{_linked.Study}"),
            "a viewer following the RetrieveURL stays inside the link");
    }

    [Test]
    public async Task Link_AsQueryParameterOrBearer_Reads()
    {
        string path = "/dicomweb" + InstancePath(_linked) + "/metadata";

        Assert.That((await _archive.GetAsync(path + "?token=" + _token, token: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _archive.GetAsync(path, _token)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Link_AnotherStudy_NotFoundAndNotListed()
    {
        var root = new Uri(_dicomWebRoot).PathAndQuery;
        foreach (var path in ReadPaths(_other))
        {
            Assert.That((await _archive.GetAsync(root + path, token: null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }
        var search = await _archive.GetAsync(root + "/studies?PatientID=P-OTHER", token: null);
        Assert.That(await search.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
    }

    [Test]
    public async Task Link_UsedForAWrite_Forbidden()
    {
        var file = new TestDicom(_linked.Study, TestDicom.NewUid(), TestDicom.NewUid(), patientId: "P-LINK").ToArray();

        var response = await _archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", _token, StowRequests.Multipart([file]));
        var inPath = await _archive.Client.PostAsync(new Uri(_dicomWebRoot).PathAndQuery + "/studies", StowRequests.Multipart([file]));

        Assert.That((response.StatusCode, inPath.StatusCode), Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)));
    }

    [Test]
    public async Task Link_Tampered_Unauthorized()
    {
        int dot = _token.LastIndexOf('.');
        string otherStudy = _token[..dot].Replace(_token[5], _token[5] == 'A' ? 'B' : 'A') + _token[dot..];
        string otherSignature = _token[..(dot + 1)] + (_token[dot + 1] == 'A' ? 'B' : 'A') + _token[(dot + 2)..];

        foreach (var tampered in new[] { otherStudy, otherSignature, _token + "x", SignedLinksPrefix + "e30.AAAA" })
        {
            var response = await _archive.GetAsync($"/links/{tampered}/dicomweb/studies/{_linked.Study}/metadata", token: null);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), tampered);
        }
    }

    [Test]
    public async Task Link_Expired_Unauthorized()
    {
        var answer = await CreateAsync(_archive.Admin, _linked.Study, 1);
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        string shortLived = json.RootElement.GetProperty("token").GetString()!;
        Assert.That((await _archive.GetAsync($"/dicomweb/studies/{_linked.Study}/metadata?token={shortLived}", token: null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await Task.Delay(TimeSpan.FromSeconds(2.2));

        var response = await _archive.GetAsync($"/dicomweb/studies/{_linked.Study}/metadata?token={shortLived}", token: null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Create_StudyTheCallerMayNotSee_NotFound()
    {
        var response = await CreateAsync(_archive.Token("ehr", "dicom.read", patients: ["P-LINK"]), _other.Study, 600);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no link to what the caller cannot read, and no sign that it exists");
    }

    [TestCase(0)]
    [TestCase(-5)]
    [TestCase(100_000_000)]
    public async Task Create_LifetimeOutOfRange_BadRequest(long seconds) =>
        Assert.That((await CreateAsync(_archive.Admin, _linked.Study, seconds)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

    [TestCase("{\"studyInstanceUid\":\"../../etc\"}")]
    [TestCase("{\"studyInstanceUid\":\"\"}")]
    [TestCase("{}")]
    [TestCase("not json")]
    [TestCase("[1,2,3]")]
    public async Task Create_BadBody_BadRequest(string body)
    {
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var response = await _archive.SendAsync(HttpMethod.Post, "/api/links", _archive.Admin, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private const string SignedLinksPrefix = "dwl1.";
}
