using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Viewer;

/// <summary>
/// dicomweb viewer fetch against a loopback registry serving the @ohif/app 3.13.2 tarball test/run.sh keeps, and
/// tarballs altered or made hostile: the viewer lands whole or not at all.
/// </summary>
public sealed class ViewerFetchCommandTests
{
    private const string TarballPath = "/@ohif/app/-/app-3.13.2.tgz";

    private string _work = null!;

    private static string Published
    {
        get
        {
            string tarball = Path.Combine(RepositoryPaths.RepositoryRoot, "test", ".tools", "ohif", "ohif-app-3.13.2.tgz");
            if (!File.Exists(tarball))
            {
                Assert.Fail($"{tarball} is missing: test/run.sh keeps it (npm pack @ohif/app@3.13.2).");
            }
            return tarball;
        }
    }

    [SetUp]
    public void CreateFolder() => _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;

    [TearDown]
    public void DeleteFolder() => TempDirectory.Delete(_work);

    [Test]
    public async Task Fetch_PublishedPackage_UnpacksItsDistAndPrintsTheSetting()
    {
        using var registry = Registry(Published);
        string target = Path.Combine(_work, "viewer");

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", RegistryUrl(registry), "--out", "viewer");

        string dist = Path.Combine(RepositoryPaths.RepositoryRoot, "test", ".tools", "ohif", "package", "dist");
        var expected = Directory.EnumerateFiles(dist, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dist, f)).Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Output, Does.Contain($"--Viewer:Path={target}"));
            Assert.That(Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f)).Order(), Is.EqualTo(expected));
            Assert.That(File.ReadAllBytes(Path.Combine(target, "index.html")), Is.EqualTo(File.ReadAllBytes(Path.Combine(dist, "index.html"))));
            Assert.That(Directory.EnumerateFileSystemEntries(_work).Select(Path.GetFileName), Is.EqualTo(new[] { "viewer" }), "no staging folder left");
        });
    }

    [Test]
    public async Task Fetch_ViewerAlreadyThere_DownloadsNothing()
    {
        using var registry = Registry(Published);
        string target = Directory.CreateDirectory(Path.Combine(_work, "viewer")).FullName;
        await File.WriteAllTextAsync(Path.Combine(target, "index.html"), "<title>OHIF Viewer</title>");

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", RegistryUrl(registry), "--out", target);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            Assert.That(result.Output, Does.Contain("already holds a viewer").And.Contain($"--Viewer:Path={target}"));
            Assert.That(registry.Requests, Is.Empty);
        });
    }

    /// <summary>The same files compressed otherwise: a tarball that is not the one published is refused, after reading it all.</summary>
    [Test]
    public async Task Fetch_TarballOtherThanPublished_RefusedAndNothingInstalled()
    {
        string repacked = Path.Combine(_work, "repacked.tgz");
        await using (var source = new GZipStream(File.OpenRead(Published), CompressionMode.Decompress))
        await using (var destination = new GZipStream(File.Create(repacked), CompressionLevel.Fastest))
        {
            await source.CopyToAsync(destination);
        }
        using var registry = Registry(repacked);

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", RegistryUrl(registry), "--out", "viewer");

        AssertRefused(result, "its SHA-512 differs");
    }

    [TestCase("package/dist/../../escaped.txt", TarEntryType.RegularFile, "points outside its folder")]
    [TestCase("package/dist//etc/escaped.txt", TarEntryType.RegularFile, "points outside its folder")]
    [TestCase("package/dist/assets/passwd", TarEntryType.SymbolicLink, "SymbolicLink entry")]
    [TestCase("package/dist/assets/hard", TarEntryType.HardLink, "HardLink entry")]
    public async Task Fetch_HostileEntry_RefusedAndNothingWrittenOutsideTheFolder(string name, TarEntryType type, string reason)
    {
        string hostile = Path.Combine(_work, "hostile.tgz");
        await using (var file = new GZipStream(File.Create(hostile), CompressionLevel.Fastest))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "package/dist/index.html") { DataStream = new MemoryStream("<html></html>"u8.ToArray()) });
            var entry = new PaxTarEntry(type, name);
            if (type == TarEntryType.RegularFile)
            {
                entry.DataStream = new MemoryStream("escaped"u8.ToArray());
            }
            else
            {
                entry.LinkName = "/etc/passwd";
            }
            await tar.WriteEntryAsync(entry);
        }
        using var registry = Registry(hostile);

        var result = await CliRun.RunAsync(Directory.CreateDirectory(Path.Combine(_work, "a", "b")).FullName, "viewer", "fetch", "--registry", RegistryUrl(registry), "--out", "viewer");

        AssertRefused(result, reason, Path.Combine(_work, "a", "b"));
        Assert.That(Directory.EnumerateFiles(_work, "escaped.txt", SearchOption.AllDirectories), Is.Empty);
        Assert.That(File.Exists("/etc/escaped.txt"), Is.False);
    }

    [Test]
    public async Task Fetch_RegistryWithoutThePackage_SaysWhatItAnswered()
    {
        using var registry = new TestHttpServer((context, _) =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", RegistryUrl(registry), "--out", "viewer");

        AssertRefused(result, $"{RegistryUrl(registry)}{TarballPath} answered 404 Not Found");
    }

    [Test]
    public async Task Fetch_UnreachableRegistry_SaysItCannotDownload()
    {
        string url = $"http://127.0.0.1:{TestHttpServer.FreePort()}";

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", url, "--out", "viewer");

        AssertRefused(result, $"cannot download {url}{TarballPath}: Connection refused");
    }

    [Test]
    public async Task Fetch_FolderHoldingOtherFiles_Refused()
    {
        string target = Directory.CreateDirectory(Path.Combine(_work, "viewer")).FullName;
        await File.WriteAllTextAsync(Path.Combine(target, "notes.txt"), "mine");

        var result = await CliRun.RunAsync(_work, "viewer", "fetch", "--registry", $"http://127.0.0.1:{TestHttpServer.FreePort()}", "--out", target);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.Contain("holds other files than a viewer"));
            Assert.That(File.ReadAllText(Path.Combine(target, "notes.txt")), Is.EqualTo("mine"));
        });
    }

    private void AssertRefused(CliResult result, string reason, string? workingDirectory = null)
    {
        string folder = workingDirectory ?? _work;
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.StartWith("dicomweb: ").And.Contain(reason));
            Assert.That(result.Error.Trim(), Does.Not.Contain("\n"), "one line");
            Assert.That(Directory.Exists(Path.Combine(folder, "viewer")), Is.False, "no viewer folder");
            Assert.That(Directory.EnumerateDirectories(folder), Is.Empty, "no staging folder left");
        });
    }

    /// <summary>A registry that serves <paramref name="tarball"/> as @ohif/app 3.13.2.</summary>
    private static TestHttpServer Registry(string tarball) => new(async (context, _) =>
    {
        if (context.Request.Url?.AbsolutePath != TarballPath)
        {
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength64 = new FileInfo(tarball).Length;
        await using var file = File.OpenRead(tarball);
        await file.CopyToAsync(context.Response.OutputStream);
    });

    private static string RegistryUrl(TestHttpServer server) => server.Root[..^"/dicomweb".Length];
}
