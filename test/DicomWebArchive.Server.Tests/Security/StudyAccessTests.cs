using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Security;

/// <summary>
/// Per-study access (Auth:StudyAccess) reaches the index on every path: a study whose Patient ID is not among the
/// caller's "patients" claim is absent from every search level (counts and pages computed without it) and a 404 on
/// every retrieve path, exactly as if it were not stored.
/// </summary>
public sealed class StudyAccessTests
{
    private SecureArchive _archive = null!;
    private string _patientA = null!;
    private readonly List<string> _visibleStudies = [];
    private string _hiddenStudy = null!;
    private readonly Dictionary<string, (string Series, string Sop)> _instances = [];

    [OneTimeSetUp]
    public async Task StoreStudies()
    {
        _archive = new SecureArchive();
        _patientA = _archive.Token("clinician-a", "dicom.read", patients: ["PID-A", "PID-C"]);
        foreach (var patient in new[] { "PID-A", "PID-A", "PID-B" })
        {
            var (study, series, sop) = await _archive.StoreAsync(patient);
            _instances[study] = (series, sop);
            if (patient == "PID-B")
            {
                _hiddenStudy = study;
            }
            else
            {
                _visibleStudies.Add(study);
            }
        }
    }

    [OneTimeTearDown]
    public async Task Stop() => await _archive.DisposeAsync();

    private Task<HttpResponseMessage> GetAsPatientAAsync(string path) => _archive.GetAsync(path, _patientA);

    private async Task<List<string>> StudyUidsAsync(string path)
    {
        var response = await GetAsPatientAAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray().Select(r => r.GetProperty("0020000D").GetProperty("Value")[0].GetString()!)];
    }

    [TestCase("/dicomweb/studies")]
    [TestCase("/dicomweb/series")]
    [TestCase("/dicomweb/instances")]
    [TestCase("/dicomweb/studies?PatientID=PID-B")]
    [TestCase("/dicomweb/studies?ModalitiesInStudy=CT")]
    public async Task Search_EveryLevel_OnlyTheCallersStudies(string path)
    {
        var studies = await StudyUidsAsync(path);

        Assert.That(studies, Is.EquivalentTo(path.Contains("PID-B", StringComparison.Ordinal) ? [] : _visibleStudies));
    }

    [Test]
    public async Task Search_WithinHiddenStudy_Empty()
    {
        Assert.That(await StudyUidsAsync($"/dicomweb/studies/{_hiddenStudy}/series"), Is.Empty);
        Assert.That(await StudyUidsAsync($"/dicomweb/studies/{_hiddenStudy}/instances"), Is.Empty);
        Assert.That(await StudyUidsAsync($"/dicomweb/studies/{_hiddenStudy}/series/{_instances[_hiddenStudy].Series}/instances"), Is.Empty);
    }

    [Test]
    public async Task Search_Paged_CountsAndMoreWarningWithoutHiddenStudy()
    {
        var first = await GetAsPatientAAsync("/dicomweb/studies?limit=1");
        var second = await GetAsPatientAAsync("/dicomweb/studies?limit=1&offset=1");
        var third = await GetAsPatientAAsync("/dicomweb/studies?limit=1&offset=2");

        Assert.That(first.Headers.Contains("Warning"), Is.True, "a second visible study follows");
        Assert.That(second.Headers.Contains("Warning"), Is.False, "the hidden study does not count as more");
        Assert.That(await third.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
        var pages = (await StudyUidsAsync("/dicomweb/studies?limit=1")).Concat(await StudyUidsAsync("/dicomweb/studies?limit=1&offset=1"));
        Assert.That(pages, Is.EquivalentTo(_visibleStudies));
    }

    [Test]
    public async Task Retrieve_EveryPath_HiddenStudy404VisibleStudy200()
    {
        foreach (var (study, expected) in new[] { (_visibleStudies[0], HttpStatusCode.OK), (_hiddenStudy, HttpStatusCode.NotFound) })
        {
            var (series, sop) = _instances[study];
            string instance = $"/dicomweb/studies/{study}/series/{series}/instances/{sop}";
            string[] paths =
            [
                $"/dicomweb/studies/{study}",
                $"/dicomweb/studies/{study}/series/{series}",
                instance,
                $"/dicomweb/studies/{study}?accept=application/zip",
                $"/dicomweb/studies/{study}/metadata",
                $"/dicomweb/studies/{study}/series/{series}/metadata",
                instance + "/metadata",
                instance + "/frames/1",
                instance + "/bulkdata/7FE00010",
                instance + "/rendered",
                instance + "/frames/1/rendered",
                instance + "/thumbnail",
                $"/dicomweb/studies/{study}/rendered",
                $"/dicomweb/studies/{study}/thumbnail",
                $"/dicomweb/studies/{study}/series/{series}/thumbnail",
                $"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}",
                $"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}&contentType=application/dicom",
            ];
            foreach (var path in paths)
            {
                var response = await GetAsPatientAAsync(path);
                Assert.That(response.StatusCode, Is.EqualTo(expected), path);
                if (expected == HttpStatusCode.NotFound)
                {
                    Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("is not stored"), path + ": the same answer as for a study that does not exist");
                }
            }
        }
    }

    [Test]
    public async Task Retrieve_Administrator_HiddenStudyServed()
    {
        var (series, sop) = _instances[_hiddenStudy];

        var response = await _archive.GetAsync($"/dicomweb/studies/{_hiddenStudy}/series/{series}/instances/{sop}/frames/1", _archive.Admin);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static byte[] Instance(string study, string patientId, string? sop = null) =>
        new TestDicom(study, TestDicom.NewUid(), sop ?? TestDicom.NewUid(), patientId: patientId).AddImage(16, 16, 1).ToArrayWithPixelData(16 * 16 * 2, seed: 7);

    private static (List<string> Stored, List<(int Reason, string Comment)> Failed) Outcomes(JsonElement response)
    {
        var stored = response.TryGetProperty("00081199", out var referenced)
            ? referenced.GetProperty("Value").EnumerateArray().Select(i => i.GetProperty("00081155").GetProperty("Value")[0].GetString()!).ToList() : [];
        var failed = response.TryGetProperty("00081198", out var refused)
            ? refused.GetProperty("Value").EnumerateArray().Select(i => (i.GetProperty("00081197").GetProperty("Value")[0].GetInt32(), i.GetProperty("00000902").GetProperty("Value")[0].GetString()!)).ToList() : [];
        return (stored, failed);
    }

    [Test]
    public async Task Store_WriterWithTheClaim_OnlyIntoStudiesItMaySee()
    {
        string writer = _archive.Token("modality-a", "dicom.read dicom.write", patients: ["PID-A"]);
        string ownStudy = TestDicom.NewUid(), otherPatientsStudy = TestDicom.NewUid();
        byte[][] parts = [Instance(ownStudy, "PID-A"), Instance(otherPatientsStudy, "PID-B"), Instance(_hiddenStudy, "PID-A")];

        var response = await _archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", writer, StowRequests.Multipart(parts));

        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body);
        var (stored, failed) = Outcomes(JsonDocument.Parse(body).RootElement);
        Assert.That(stored, Has.Count.EqualTo(1));
        Assert.That(failed.Select(f => f.Reason), Is.EqualTo(new[] { 0x0124, 0x0124 }), "Refused: Not Authorized");
        Assert.That(failed.Select(f => f.Comment), Has.All.Contains("PatientID (0010,0020) must be one of the caller's access keys"));
        Assert.That((await _archive.GetAsync($"/dicomweb/studies/{ownStudy}/metadata", writer)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _archive.GetAsync($"/dicomweb/studies/{otherPatientsStudy}", _archive.Admin)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "nothing of the refused study");
        var hidden = await _archive.GetAsync($"/dicomweb/studies/{_hiddenStudy}/instances", _archive.Admin);
        Assert.That(JsonDocument.Parse(await hidden.Content.ReadAsStringAsync()).RootElement.GetArrayLength(), Is.EqualTo(1), "the other patient's study unchanged");
    }

    [Test]
    public async Task Store_WriterResendsAnInstanceOfAStudyItMayNotSee_RefusedWithoutSayingItIsStored()
    {
        string writer = _archive.Token("modality-a", "dicom.write", patients: ["PID-A"]);

        var response = await _archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", writer,
            StowRequests.Multipart([Instance(TestDicom.NewUid(), "PID-A", sop: _instances[_hiddenStudy].Sop)]));

        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), body);
        Assert.That(Outcomes(JsonDocument.Parse(body).RootElement).Failed.Single().Reason, Is.EqualTo(0x0124), "not 0x0111, which would tell the UID is stored");
    }

    [Test]
    public async Task Search_CallerWithoutTheClaim_SeesNothing()
    {
        var response = await _archive.GetAsync("/dicomweb/studies", _archive.Token("no-claim", "dicom.read"));

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
    }
}
