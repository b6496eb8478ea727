using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Common;

/// <summary>Wrong servers and wrong arguments: one clear line, a non-zero exit code, never a stack trace.</summary>
public sealed class BadInputTests
{
    private string _work = null!;

    [SetUp]
    public void CreateFolder() => _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;

    [TearDown]
    public void DeleteFolder() => TempDirectory.Delete(_work);

    [TestCase("query")]
    [TestCase("upload")]
    [TestCase("download")]
    [TestCase("bench")]
    public async Task Command_UnreachableServer_SaysItCannotReachIt(string command)
    {
        string url = $"http://127.0.0.1:{TestHttpServer.FreePort()}/dicomweb";

        var result = await CliRun.RunAsync(_work, Arguments(command, url));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error.Trim(), Is.EqualTo($"dicomweb: cannot reach {url}: Connection refused"));
            Assert.That(result.Output, Does.Not.Contain(" at "));
        });
    }

    [TestCase("query")]
    [TestCase("upload")]
    [TestCase("download")]
    [TestCase("bench")]
    public async Task Command_WrongUrl_SaysTheRootWasNotFound(string command)
    {
        await using var server = await ServerProcess.StartAsync(Path.Combine(_work, "data"));
        string url = server.DicomWebRoot.Replace("/dicomweb", "/dicom-web", StringComparison.Ordinal);

        var result = await CliRun.RunAsync(_work, Arguments(command, url));

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error.Trim(), Does.StartWith($"dicomweb: {url}/studies was not found (HTTP 404): is {url} the DICOMweb root?"));
            Assert.That(result.Error.Trim(), Does.Not.Contain("\n"));
        });
    }

    [Test]
    public async Task Upload_MissingPath_NamesIt()
    {
        using var server = new TestHttpServer((context, _) => context.Response.OutputStream.WriteAsync("[]"u8.ToArray()).AsTask());

        var result = await CliRun.RunAsync(_work, "upload", server.Root, "no-such-folder");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.Trim(), Is.EqualTo("dicomweb: no such file or folder: no-such-folder"));
    }

    [Test]
    public async Task Query_NotAUrl_IsRefusedBeforeAnyRequest()
    {
        var result = await CliRun.RunAsync(_work, "query", "localhost:8080");

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error + result.Output, Does.Contain("is not an http:// or https:// URL"));
    }

    private string[] Arguments(string command, string url) => command switch
    {
        "query" => ["query", url],
        "upload" => ["upload", url, PydicomCorpus.File("CT_small.dcm")],
        "download" => ["download", url, "1.2.3", "--out", Path.Combine(_work, "out")],
        _ => ["bench", url, "--corpus", PydicomCorpus.File("CT_small.dcm")],
    };
}
