using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Xml.Linq;

namespace DicomWebArchive.Server.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile, read instruction by instruction (no Docker engine runs here): an SDK build stage and an ASP.NET
/// runtime final stage, a non-root user, a health check that works against the real server, the entry point, port,
/// data volume, and sources that exist in the repository.
/// </summary>
public sealed class DockerfileTests
{
    private readonly List<(string Instruction, string Arguments)> _instructions = DeploymentFiles.DockerfileInstructions();

    /// <summary>The instructions after the last FROM: what the image that runs is made of.</summary>
    private List<(string Instruction, string Arguments)> Final => _instructions[_instructions.FindLastIndex(i => i.Instruction == "FROM")..];

    [Test]
    public void Stages_SdkBuildsAspNetRuntimeRuns()
    {
        var stages = _instructions.Where(i => i.Instruction == "FROM").Select(i => i.Arguments).ToList();

        Assert.That(stages, Is.EqualTo(new[] { "mcr.microsoft.com/dotnet/sdk:10.0 AS build", "mcr.microsoft.com/dotnet/aspnet:10.0 AS final" }));
        Assert.That(Final, Does.Contain(("COPY", "--from=build /app ./")));
        Assert.That(_instructions, Has.Some.Matches<(string Instruction, string Arguments)>(i =>
            i.Instruction == "RUN" && i.Arguments.StartsWith("dotnet publish src/DicomWebArchive.Server/DicomWebArchive.Server.csproj -c Release", StringComparison.Ordinal) && i.Arguments.Contains("-o /app", StringComparison.Ordinal)));
    }

    [Test]
    public void FinalStage_User_IsNotRoot()
    {
        var users = Final.Where(i => i.Instruction == "USER").Select(i => i.Arguments).ToList();

        Assert.That(users, Has.Count.EqualTo(1));
        Assert.That(users[0], Is.Not.EqualTo("root").And.Not.EqualTo("0").And.Not.StartWith("0:").And.Not.StartWith("root:"));
        int user = Final.FindIndex(i => i.Instruction == "USER");
        Assert.That(Final.FindLastIndex(i => i.Instruction == "RUN"), Is.LessThan(user), "nothing runs as root after USER");
        Assert.That(Final.FindIndex(i => i.Instruction == "ENTRYPOINT"), Is.GreaterThan(user));
    }

    [Test]
    public async Task HealthCheck_AsksLiveOnTheExposedPort_AndPassesAgainstARealServer()
    {
        var check = Final.Single(i => i.Instruction == "HEALTHCHECK").Arguments;
        Assert.That(check, Does.Contain("--interval=").And.Contain("--start-period="));
        var command = JsonSerializer.Deserialize<string[]>(check[check.IndexOf("CMD [", StringComparison.Ordinal)..][4..])!;
        Assert.That(string.Join(' ', command), Does.Contain("/dev/tcp/127.0.0.1/8080").And.Contain("GET /health/live "));
        Assert.That(Final, Does.Contain(("EXPOSE", "8080")));

        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false");
        Assert.That(await ShellCommand.RunAsync(command, server.BaseAddress.Port), Is.Zero, "the check passes while the server serves");
        server.Kill();
        Assert.That(await ShellCommand.RunAsync(command, server.BaseAddress.Port), Is.Not.Zero, "and fails once it is gone");
    }

    [Test]
    public void Entrypoint_RunsThePublishedServerOnPort8080WithItsDataOnAVolume()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(Final.Single(i => i.Instruction == "ENTRYPOINT").Arguments)!;
        var environment = Final.Where(i => i.Instruction == "ENV").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.That(entrypoint, Is.EqualTo(new[] { "dotnet", "DicomWebArchive.Server.dll" }));
        Assert.That(File.Exists(Path.Combine(RepositoryPaths.ServerDirectory, entrypoint[1])), Is.True, "the server's assembly has that name");
        Assert.That(environment["ASPNETCORE_URLS"], Is.EqualTo("http://+:8080"));
        Assert.That(Final, Does.Contain(("VOLUME", "/data")));
        Assert.That(environment["Storage__DataDirectory"], Is.EqualTo("/data"));
        Assert.That(DeploymentFiles.SettingNames(), Does.Contain("Storage:DataDirectory"));
    }

    [Test]
    public async Task Environment_AspNetCoreUrls_IsWhereTheServerListens()
    {
        // The image says where to listen only through ASPNETCORE_URLS: no setting of the server may override it.
        int port = FreePort();
        using var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(RepositoryPaths.ServerDirectory, "DicomWebArchive.Server.dll")])
        {
            WorkingDirectory = RepositoryPaths.ServerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Storage__DataDirectory"] = data.Path;
        start.Environment["Storage__Sweeper__Enabled"] = "false";
        using var server = Process.Start(start)!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            HttpStatusCode? status = null;
            while (status is null && !server.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    status = (await client.GetAsync("/health/live")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), $"nothing answered on port {port}");
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    [Test]
    public void Copies_ExistAndRestoreEveryProjectTheServerReferences()
    {
        string root = RepositoryPaths.RepositoryRoot;
        var sources = _instructions.Where(i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToList();

        foreach (var source in sources)
        {
            Assert.That(File.Exists(Path.Combine(root, source)) || Directory.Exists(Path.Combine(root, source)), Is.True, $"COPY {source}: not in the repository");
        }
        Assert.That(sources.Where(s => s.EndsWith(".csproj", StringComparison.Ordinal)), Is.EquivalentTo(ProjectClosure(root, "src/DicomWebArchive.Server/DicomWebArchive.Server.csproj")),
            "the restore layer copies the server's project and every project it references");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A project and every project it references, directly or not, as paths from the repository root.</summary>
    private static HashSet<string> ProjectClosure(string root, string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }
            var directory = Path.GetDirectoryName(Path.Combine(root, next))!;
            foreach (var reference in XDocument.Load(Path.Combine(root, next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(root, full).Replace('\\', '/'));
            }
        }
        return found;
    }
}
