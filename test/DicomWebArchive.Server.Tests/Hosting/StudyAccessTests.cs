using System.Net;
using System.Text.Json;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>
/// The caller's study access reaches the index on every path: a study outside it is absent from every search level
/// (counts and pages computed without it) and a 404 on every retrieve path, exactly as if it were not stored.
/// </summary>
public sealed class StudyAccessTests
{
    /// <summary>A caller who may see only the studies of the patient this header names (without it: everything).</summary>
    private const string PatientHeader = "X-Test-Patient";

    private ArchiveFactory _factory = null!;
    private HttpClient _client = null!;
    private readonly string[] _visibleStudies = [TestDicom.NewUid(), TestDicom.NewUid()];
    private readonly string _hiddenStudy = TestDicom.NewUid();
    private readonly Dictionary<string, (string Series, string Sop)> _instances = [];

    private sealed class HeaderAccess : IStudyAccessPolicy
    {
        public StudyAccess For(HttpContext context) => context.Request.Headers[PatientHeader] is [{ } patient]
            ? StudyAccess.ByAttribute(QueryAttributes.PatientId, patient)
            : StudyAccess.All;
    }

    [OneTimeSetUp]
    public async Task StoreStudies()
    {
        _factory = new ArchiveFactory { ConfigureServices = services => services.AddSingleton<IStudyAccessPolicy, HeaderAccess>() };
        _client = _factory.CreateClient();
        foreach (var (study, patient) in _visibleStudies.Select(s => (s, "PID-A")).Append((_hiddenStudy, "PID-B")))
        {
            string series = TestDicom.NewUid(), sop = TestDicom.NewUid();
            _instances[study] = (series, sop);
            var file = new TestDicom(study, series, sop, patientId: patient).AddImage(16, 16, 1).ToArrayWithPixelData(16 * 16 * 2, seed: 3);
            var stored = await StowRequests.PostAsync(_client, StowRequests.Multipart([file]));
            Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetAsPatientAAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(PatientHeader, "PID-A");
        return await _client.SendAsync(request);
    }

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
    public async Task Retrieve_WithoutRestriction_HiddenStudyServed()
    {
        var (series, sop) = _instances[_hiddenStudy];

        var response = await _client.GetAsync($"/dicomweb/studies/{_hiddenStudy}/series/{series}/instances/{sop}/frames/1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
