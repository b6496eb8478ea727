using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>The prebuilt OHIF viewer, on its own origin, opens a stored CT study from the archive in headless Chromium.</summary>
public sealed class OhifViewerTests
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    [Test]
    public async Task OhifViewer_StoredCtStudy_ViewportShowsTheImage()
    {
        await using var server = await LoopbackArchive.StartAsync();
        using var client = server.CreateClient();
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        await AssertViewerShowsStudyAsync(server.DicomWebRoot, "ohif-ct-small.png");
    }

    /// <summary>
    /// An EHR's "view images" button: OHIF configured with nothing but a signed link's DICOMweb root (no bearer token)
    /// opens the study on an archive that requires authentication for everything else.
    /// </summary>
    [Test]
    public async Task OhifViewer_SignedLinkRootOnSecuredArchive_ViewportShowsTheImage()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var server = await LoopbackArchive.StartAsync(SecureArchive.Settings(key));
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", SecureArchive.Sign(key, "pacs-admin", "dicom.admin"));
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);
        var link = await client.PostAsJsonAsync("/api/links", new { studyInstanceUid = CtStudy, expiresInSeconds = 900 });
        using var answer = JsonDocument.Parse(await link.Content.ReadAsStringAsync());
        string root = answer.RootElement.GetProperty("urls").GetProperty("dicomWeb").GetString()!;
        using var anonymous = server.CreateClient();
        Assert.That((int)(await anonymous.GetAsync("/dicomweb/studies")).StatusCode, Is.EqualTo(401), "without the link nothing is served");

        await AssertViewerShowsStudyAsync(root, "ohif-signed-link.png");
    }

    private static async Task AssertViewerShowsStudyAsync(string dicomWebRoot, string screenshotName)
    {
        string modules = NodeTools.Modules("playwright-core");
        string dist = Path.Combine(RepositoryPaths.RepositoryRoot, "test", ".tools", "ohif", "package", "dist");
        if (!File.Exists(Path.Combine(dist, "app-config.js")))
        {
            Assert.Fail($"The OHIF viewer is missing at {dist}: test/run.sh unpacks it (npm pack @ohif/app@3.13.2).");
        }
        if (!File.Exists("/usr/bin/chromium"))
        {
            Assert.Fail("Chromium is missing at /usr/bin/chromium: test/run.sh installs Debian's chromium.");
        }
        string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, screenshotName);

        var (exit, output, errors) = await NodeTools.RunAsync(Path.Combine(RepositoryPaths.RepositoryRoot, "test", "clients", "ohif.test.js"), dicomWebRoot, CtStudy, dist, modules, screenshot);

        Assert.That(exit, Is.EqualTo(0), errors);
        TestContext.AddTestAttachment(screenshot, "OHIF viewer showing CT_small.dcm");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var study = root.GetProperty("study");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("failures").EnumerateArray().Select(f => f.GetString()), Is.Empty, "archive requests that failed");
            // A CT slice has a wide spread of grey levels; an empty viewport is flat black.
            Assert.That(study.GetProperty("std").GetDouble(), Is.GreaterThan(25), output);
            Assert.That(study.GetProperty("levels").GetInt32(), Is.GreaterThan(100), output);
            Assert.That(root.GetProperty("meanDifference").GetDouble(), Is.GreaterThan(20), "viewport compared with a viewer without images: " + output);
        });
    }
}
