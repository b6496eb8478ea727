using System.Net;
using System.Text;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Upload;

/// <summary>What goes over the wire, seen from a server that answers as the test needs.</summary>
public sealed class UploadProtocolTests
{
    private const string CtSop = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    private string _work = null!;

    [SetUp]
    public void CreateFolder() => _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;

    [TearDown]
    public void DeleteFolder() => TempDirectory.Delete(_work);

    [Test]
    public async Task Upload_TokenInEnvironment_SentAsBearerWithoutExpectContinue()
    {
        using var server = new TestHttpServer((context, _) => Answer(context, HttpStatusCode.OK, Stored));

        var result = await CliRun.RunAsync(_work, new Dictionary<string, string> { ["DICOMWEB_TOKEN"] = "s3cret" },
            "upload", server.Root, PydicomCorpus.File("CT_small.dcm"));

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var stow = server.Requests.Single(r => r.Method == "POST");
        Assert.Multiple(() =>
        {
            Assert.That(stow.Headers["Authorization"], Is.EqualTo("Bearer s3cret"));
            Assert.That(stow.Headers["Expect"], Is.Null);
            Assert.That(stow.Headers["Content-Type"], Does.StartWith("multipart/related; type=\"application/dicom\"; boundary="));
            Assert.That(stow.Headers["Content-Length"], Is.Not.Null, "a body of known length goes out with Content-Length, not chunked");
            Assert.That(stow.Url, Is.EqualTo("/dicomweb/studies"));
        });
    }

    [Test]
    public async Task Upload_ServerUnavailableOnce_RetriesAfterRetryAfterAndStores()
    {
        int posts = 0;
        using var server = new TestHttpServer((context, _) =>
        {
            if (context.Request.HttpMethod == "POST" && Interlocked.Increment(ref posts) == 1)
            {
                context.Response.Headers["Retry-After"] = "1";
                return Answer(context, HttpStatusCode.ServiceUnavailable, "busy");
            }
            return Answer(context, HttpStatusCode.OK, Stored);
        });

        var result = await CliRun.RunAsync(_work, "upload", server.Root, PydicomCorpus.File("CT_small.dcm"));

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(posts, Is.EqualTo(2));
        Assert.That(Corpus.Count(result.Output, "stored"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_ServerKeepsFailing_ReportsTheFilesAsFailed()
    {
        using var server = new TestHttpServer((context, _) => context.Request.HttpMethod == "POST"
            ? Answer(context, HttpStatusCode.BadGateway, "upstream down")
            : Answer(context, HttpStatusCode.OK, "[]"));

        var result = await CliRun.RunAsync(_work, "upload", server.Root, PydicomCorpus.File("CT_small.dcm"), "--retries", "2");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(server.Requests.Count(r => r.Method == "POST"), Is.EqualTo(3));
        Assert.That(result.Output, Does.Match(@"CT_small\.dcm\s*│\s*failed\s*│\s*HTTP 502 Bad Gateway: upstream down"));
    }

    [Test]
    public async Task Upload_RefusalWithErrorComment_ShowsTheServersText()
    {
        string refused = $$$"""
            {"00081198":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["{{{CtSop}}}"]},"00081197":{"vr":"US","Value":[42752]},
             "00000902":{"vr":"LO","Value":["Disk quota of this tenant exceeded"]}}]}}
            """;
        using var server = new TestHttpServer((context, _) => Answer(context, context.Request.HttpMethod == "POST" ? HttpStatusCode.Conflict : HttpStatusCode.OK,
            context.Request.HttpMethod == "POST" ? refused : "[]"));

        var result = await CliRun.RunAsync(_work, "upload", server.Root, PydicomCorpus.File("CT_small.dcm"));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Output, Does.Contain("0xA700 out of resources: Disk quota of this tenant exceeded"));
    }

    [Test]
    public async Task Upload_AuthenticationRequired_SaysToUseAToken()
    {
        using var server = new TestHttpServer((context, _) => Answer(context, HttpStatusCode.Unauthorized, ""));

        var result = await CliRun.RunAsync(_work, "upload", server.Root, PydicomCorpus.File("CT_small.dcm"));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Error.Trim(), Is.EqualTo("dicomweb: authentication required: use --token or DICOMWEB_TOKEN (HTTP 401)"));
        });
    }

    [Test]
    public async Task Upload_TokenRefusedWhenStoring_StopsWithOneLine()
    {
        using var server = new TestHttpServer((context, _) => context.Request.HttpMethod == "POST"
            ? Answer(context, HttpStatusCode.Forbidden, "")
            : Answer(context, HttpStatusCode.OK, "[]"));

        var result = await CliRun.RunAsync(_work, "upload", server.Root, PydicomCorpus.File("CT_small.dcm"), "--token", "read-only");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error.Trim(), Is.EqualTo(
            "dicomweb: authentication required: the server refused the token (HTTP 403); use --token or DICOMWEB_TOKEN with a valid one"));
    }

    private static string Stored => $$$"""
        {"00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"00081155":{"vr":"UI","Value":["{{{CtSop}}}"]}}]}}
        """;

    private static async Task Answer(HttpListenerContext context, HttpStatusCode status, string body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = body.StartsWith('{') || body.StartsWith('[') ? "application/dicom+json" : "text/plain";
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
    }
}
