using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;
using DicomWebArchive.Server.Tests.Wado;

namespace DicomWebArchive.Server.Tests.Viewer;

/// <summary>
/// The OHIF viewer served by the archive from Viewer:Path: its page and files at the site root, an app-config.js written
/// for this archive, routes of the viewer answered with its page, every other route first, hostile paths refused, and a
/// wrong setting logged without stopping the archive. Chromium opens a stored CT in it, directly and through a signed link.
/// </summary>
public sealed class ViewerEndpointsTests
{
    private const string AppBundle = "app.bundle.0f6159c501addfe9.js";

    [Test]
    public async Task ServedViewer_StoredCtStudy_ViewportShowsTheImage()
    {
        await using var server = await LoopbackArchive.StartAsync(("Viewer:Path", OhifBrowser.Dist));
        using var client = server.CreateClient();
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        await OhifBrowser.AssertShowsStudyAsync(server.DicomWebRoot, server.BaseAddress.ToString(), "served-viewer-ct-small.png");
    }

    /// <summary>An EHR's "view images" button opens the archive's own viewer under a signed link, with no other credential.</summary>
    [Test]
    public async Task ServedViewer_SignedLinkOnSecuredArchive_ViewportShowsTheImage()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var server = await LoopbackArchive.StartAsync([.. SecureArchive.Settings(key), ("Viewer:Path", OhifBrowser.Dist)]);
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", SecureArchive.Sign(key, "pacs-admin", "dicom.admin"));
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);
        var link = await client.PostAsJsonAsync("/api/links", new { studyInstanceUid = OhifBrowser.CtStudy, expiresInSeconds = 900 });
        using var answer = JsonDocument.Parse(await link.Content.ReadAsStringAsync());
        string token = answer.RootElement.GetProperty("token").GetString()!;
        string root = answer.RootElement.GetProperty("urls").GetProperty("dicomWeb").GetString()!;
        using var anonymous = server.CreateClient();
        Assert.That((int)(await anonymous.GetAsync("/dicomweb/studies")).StatusCode, Is.EqualTo(401), "without the link no data is served");

        await OhifBrowser.AssertShowsStudyAsync(root, new Uri(server.BaseAddress, $"/links/{token}").ToString(), "served-viewer-signed-link.png");
    }

    [TestCase("/")]
    [TestCase("/index.html")]
    [TestCase("/viewer?StudyInstanceUIDs=1.2.3")]
    [TestCase("/segmentation")]
    public async Task ViewerPage_AnyRouteOfTheViewer_IsOhifsPageRevalidated(string path)
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();

        using var response = await client.GetAsync(path);

        string page = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
            Assert.That(page, Does.Contain($"src=\"/{AppBundle}\"").And.Contain("src=\"/app-config.js\""));
        });
    }

    [Test]
    public async Task AppConfig_ViewerAtSiteRoot_DataSourceIsThisArchive()
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();

        var source = await DataSourceAsync(client, "/app-config.js", "http://pacs.example:8080");

        Assert.Multiple(() =>
        {
            Assert.That(source.GetProperty("qidoRoot").GetString(), Is.EqualTo("http://pacs.example:8080/dicomweb"));
            Assert.That(source.GetProperty("wadoRoot").GetString(), Is.EqualTo("http://pacs.example:8080/dicomweb"));
            Assert.That(source.GetProperty("wadoUriRoot").GetString(), Is.EqualTo("http://pacs.example:8080/wado"));
            Assert.That(source.GetProperty("qidoSupportsIncludeField").GetBoolean(), Is.True);
            Assert.That(source.GetProperty("staticWado").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task AppConfig_OtherDicomWebBasePath_FollowsIt()
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist), ("DicomWeb:BasePath", "/pacs/rs"));
        using var client = archive.CreateClient();

        var source = await DataSourceAsync(client, "/app-config.js", "https://pacs.example");

        Assert.That(source.GetProperty("qidoRoot").GetString(), Is.EqualTo("https://pacs.example/pacs/rs"));
    }

    [Test]
    public async Task ViewerUnderSignedLink_PageAndConfig_KeepTheLinkInEveryDataRequest()
    {
        await using var archive = new SecureArchive(("Viewer:Path", OhifBrowser.Dist));
        var (study, _, _) = await archive.StoreAsync("P-LINK");
        using var created = await archive.SendAsync(HttpMethod.Post, "/api/links", archive.Admin, JsonContent.Create(new { studyInstanceUid = study }));
        using var answer = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        string token = answer.RootElement.GetProperty("token").GetString()!;

        string page = await archive.Client.GetStringAsync($"/links/{token}/viewer?StudyInstanceUIDs={study}");
        var source = await DataSourceAsync(archive.Client, $"/links/{token}/app-config.js", "https://pacs.example");

        Assert.Multiple(() =>
        {
            Assert.That(page, Does.Contain($"window.PUBLIC_URL=\"/links/{token}/\"").And.Contain($"src=\"/links/{token}/app-config.js\""));
            Assert.That(source.GetProperty("qidoRoot").GetString(), Is.EqualTo($"https://pacs.example/links/{token}/dicomweb"));
            Assert.That(source.GetProperty("wadoUriRoot").GetString(), Is.EqualTo($"https://pacs.example/links/{token}/wado"));
        });
    }

    [Test]
    public async Task ViewerFiles_SecuredArchive_PublicWhileDataIsNot()
    {
        await using var archive = new SecureArchive(("Viewer:Path", OhifBrowser.Dist));

        using var page = await archive.GetAsync("/", token: null);
        using var bundle = await archive.GetAsync("/" + AppBundle, token: null);
        using var studies = await archive.GetAsync("/dicomweb/studies", token: null);

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(bundle.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(studies.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task HashedBundle_Get_SameBytesCachedForever()
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();

        using var response = await client.GetAsync("/" + AppBundle);

        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
            Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
            Assert.That(body, Is.EqualTo(File.ReadAllBytes(Path.Combine(OhifBrowser.Dist, AppBundle))));
        });
    }

    [Test]
    public async Task UnhashedFile_IfNoneMatchItsETag_NotModified()
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();
        using var first = await client.GetAsync("/assets/favicon.ico");
        Assert.That(first.Headers.CacheControl?.NoCache, Is.True);
        Assert.That(first.Headers.ETag, Is.Not.Null);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/favicon.ico");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [TestCase("/no-such-bundle.js")]
    [TestCase("/assets/missing.png")]
    public async Task MissingFile_Get_404(string path)
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>DICOMweb, WADO-URI, health, the API and Swagger answer as without a viewer: never with its page.</summary>
    [TestCase("/dicomweb/studies", HttpStatusCode.OK, "application/dicom+json")]
    [TestCase("/dicomweb/no-such-resource", HttpStatusCode.NotFound, "application/problem+json")]
    [TestCase("/wado", HttpStatusCode.BadRequest, "application/problem+json")]
    [TestCase("/health/live", HttpStatusCode.OK, "text/plain")]
    [TestCase("/api/audit/nothing", HttpStatusCode.NotFound, "application/problem+json")]
    [TestCase("/swagger/v1/swagger.json", HttpStatusCode.OK, "application/json")]
    public async Task OtherRoutes_ViewerServed_KeepPriority(string path, HttpStatusCode status, string mediaType)
    {
        await using var archive = new ArchiveFactory(("Viewer:Path", OhifBrowser.Dist));
        using var client = archive.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.That((response.StatusCode, response.Content.Headers.ContentType?.MediaType), Is.EqualTo((status, mediaType)), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Raw requests to Kestrel, since HTTP clients resolve dot segments before sending.</summary>
    [TestCase("/..%2f..%2f..%2f..%2fetc%2fpasswd")]
    [TestCase("/assets/..%5c..%5c..%5c..%5cetc%5cpasswd")]
    [TestCase("/assets/..\\..\\..\\..\\etc\\passwd")]
    [TestCase("/.git/config")]
    public async Task HostilePath_RawRequest_Refused(string path)
    {
        await using var server = await LoopbackArchive.StartAsync(("Viewer:Path", OhifBrowser.Dist));

        string response = await RawGetAsync(server.BaseAddress, path);

        Assert.That(response, Does.StartWith("HTTP/1.1 400").And.Not.Contain("root:"));
    }

    /// <summary>Kestrel resolves dot segments, plain or encoded, before routing: what remains is inside the viewer.</summary>
    [TestCase("/../../../../etc/passwd")]
    [TestCase("/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [TestCase("/assets/../../../../../etc/passwd")]
    public async Task DotSegments_RawRequest_NeverLeaveTheViewerFolder(string path)
    {
        await using var server = await LoopbackArchive.StartAsync(("Viewer:Path", OhifBrowser.Dist));

        string response = await RawGetAsync(server.BaseAddress, path);

        Assert.That(response, Does.Not.Contain("root:").And.Contain("<title>OHIF Viewer</title>"));
    }

    [Test]
    public async Task ViewerPath_Missing_LoggedAndNoViewer()
    {
        string missing = Path.Combine(Path.GetTempPath(), "dwa-no-viewer-" + Guid.NewGuid().ToString("N"));
        await using var archive = new ArchiveFactory(("Viewer:Path", missing));
        using var client = archive.CreateClient();

        using var page = await client.GetAsync("/viewer");
        using var health = await client.GetAsync("/health/live");

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(archive.Log.ToString(), Does.Contain($"Viewer:Path '{missing}' does not exist"));
        });
    }

    [Test]
    public async Task ViewerPath_FolderWithoutIndexHtml_LoggedAndNoViewer()
    {
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "app-config.js"), "window.config = {};");
        await using var archive = new ArchiveFactory(("Viewer:Path", folder.Path));
        using var client = archive.CreateClient();

        using var page = await client.GetAsync("/");
        using var config = await client.GetAsync("/app-config.js");

        Assert.Multiple(() =>
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(config.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(archive.Log.ToString(), Does.Contain("holds no index.html"));
        });
    }

    [Test]
    public async Task ViewerPath_Unset_SiteRootIs404()
    {
        await using var archive = new ArchiveFactory();
        using var client = archive.CreateClient();

        using var page = await client.GetAsync("/");

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>The data source of the app-config.js at <paramref name="path"/>, as a page at <paramref name="origin"/> sees it.</summary>
    private static async Task<JsonElement> DataSourceAsync(HttpClient client, string path, string origin)
    {
        using var response = await client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/javascript"));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
        using var folder = new TempDirectory();
        string file = Path.Combine(folder.Path, "app-config.js");
        await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());

        var (exit, output, errors) = await NodeTools.RunAsync(Path.Combine(RepositoryPaths.RepositoryRoot, "test", "clients", "app-config.js"), file, origin);

        Assert.That(exit, Is.EqualTo(0), errors);
        using var config = JsonDocument.Parse(output);
        Assert.That(config.RootElement.GetProperty("defaultDataSourceName").GetString(), Is.EqualTo("archive"));
        var source = config.RootElement.GetProperty("dataSources").EnumerateArray().Single();
        return source.GetProperty("configuration").Clone();
    }

    private static async Task<string> RawGetAsync(Uri server, string path)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        using var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
