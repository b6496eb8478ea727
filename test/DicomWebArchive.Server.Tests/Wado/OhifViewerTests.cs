using System.Net.Http.Json;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>The prebuilt OHIF viewer, on its own origin, opens a stored CT study from the archive in headless Chromium.</summary>
public sealed class OhifViewerTests
{
    [Test]
    public async Task OhifViewer_StoredCtStudy_ViewportShowsTheImage()
    {
        await using var server = await LoopbackArchive.StartAsync();
        using var client = server.CreateClient();
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        await OhifBrowser.AssertShowsStudyAsync(server.DicomWebRoot, OhifBrowser.Dist, "ohif-ct-small.png");
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
        var link = await client.PostAsJsonAsync("/api/links", new { studyInstanceUid = OhifBrowser.CtStudy, expiresInSeconds = 900 });
        using var answer = JsonDocument.Parse(await link.Content.ReadAsStringAsync());
        string root = answer.RootElement.GetProperty("urls").GetProperty("dicomWeb").GetString()!;
        using var anonymous = server.CreateClient();
        Assert.That((int)(await anonymous.GetAsync("/dicomweb/studies")).StatusCode, Is.EqualTo(401), "without the link nothing is served");

        await OhifBrowser.AssertShowsStudyAsync(root, OhifBrowser.Dist, "ohif-signed-link.png");
    }
}
