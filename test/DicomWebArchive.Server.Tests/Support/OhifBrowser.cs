using System.Text.Json;
using DicomWebArchive.Server.Tests.Wado;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>The prebuilt OHIF viewer that test/run.sh unpacks, opened in headless Chromium by test/clients/ohif.test.js.</summary>
internal static class OhifBrowser
{
    /// <summary>The CT study of pydicom's CT_small.dcm.</summary>
    public const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    /// <summary>OHIF's dist folder, as test/run.sh unpacks it (npm pack @ohif/app@3.13.2); missing fails the test.</summary>
    public static string Dist
    {
        get
        {
            string dist = Path.Combine(RepositoryPaths.RepositoryRoot, "test", ".tools", "ohif", "package", "dist");
            if (!File.Exists(Path.Combine(dist, "index.html")))
            {
                Assert.Fail($"The OHIF viewer is missing at {dist}: test/run.sh unpacks it (npm pack @ohif/app@3.13.2).");
            }
            return dist;
        }
    }

    /// <summary>
    /// Opens <see cref="CtStudy"/> in the viewer — <paramref name="viewer"/> is OHIF's dist folder (served on an origin
    /// of its own, configured with <paramref name="dicomWebRoot"/>) or the site URL of a viewer the archive serves — and
    /// asserts that the viewport shows the CT: a wide spread of grey levels, unlike a viewer opened on a missing study.
    /// </summary>
    public static async Task AssertShowsStudyAsync(string dicomWebRoot, string viewer, string screenshotName)
    {
        string modules = NodeTools.Modules("playwright-core");
        if (!File.Exists("/usr/bin/chromium"))
        {
            Assert.Fail("Chromium is missing at /usr/bin/chromium: test/run.sh installs Debian's chromium.");
        }
        string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, screenshotName);

        var (exit, output, errors) = await NodeTools.RunAsync(Path.Combine(RepositoryPaths.RepositoryRoot, "test", "clients", "ohif.test.js"), dicomWebRoot, CtStudy, viewer, modules, screenshot);

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
