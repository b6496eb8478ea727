using System.Diagnostics;
using System.Net;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Security;

/// <summary>Limits and refusals a hospital's security officer checks: floods, oversized requests, headers, start-up without authentication.</summary>
public sealed class HardeningTests
{
    [Test]
    public async Task Flood_OneClient_429WithRetryAfterWhileOthersAreServed()
    {
        await using var archive = new SecureArchive(("Server:RateLimit:RequestsPerSecond", "5"), ("Server:RateLimit:Burst", "10"));
        var flooder = archive.Token("flooder", "dicom.read");
        var patient = archive.Token("radiologist", "dicom.read");

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => archive.GetAsync("/dicomweb/studies", flooder)));
        var other = await archive.GetAsync("/dicomweb/studies", patient);

        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.That(refused, Has.Count.AtLeast(20), "most of the flood is refused");
        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.InRange(10, 20), "the burst is served");
        Assert.That(refused[0].Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another client is not starved");
    }

    [Test]
    public async Task Answers_CarrySecurityHeaders()
    {
        await using var archive = new SecureArchive();

        var response = await archive.GetAsync("/dicomweb/studies", archive.Admin);

        Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
        Assert.That(response.Headers.GetValues("Referrer-Policy").Single(), Is.EqualTo("no-referrer"));
        Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("SAMEORIGIN"));
    }

    [Test]
    public async Task Preflight_FromAViewerOrigin_AllowsAuthorizationAndIsCached()
    {
        await using var archive = new SecureArchive();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/dicomweb/studies");
        request.Headers.Add("Origin", "https://viewer.example.org");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,accept");

        var response = await archive.Client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(204));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant(), Does.Contain("authorization").And.Contain("accept"));
        Assert.That(response.Headers.GetValues("Access-Control-Max-Age").Single(), Is.EqualTo("3600"));
    }

    [Test]
    public async Task OversizedHeaders_431NotA500()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dicomweb/studies");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 64 * 1024));

        var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestHeaderFieldsTooLarge));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the server keeps serving");
    }

    [TestCase("http://0.0.0.0:0")]
    [TestCase("http://192.0.2.10:0")]
    [TestCase("http://*:0")]
    public async Task StartUp_ExposedWithoutAuthentication_RefusesNamingTheSettings(string url)
    {
        var (exitCode, output) = await RunServerAsync("--urls", url);

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("Auth:Authority").And.Contain("Auth:SigningKey").And.Contain("Auth:AllowAnonymous"));
    }

    [Test]
    public async Task TokenCommand_SignedWithTheConfiguredKey_AcceptedByTheServer()
    {
        await using var archive = new SecureArchive();
        var key = Convert.ToBase64String(archive.Key);

        var (exitCode, output) = await RunServerAsync("token", $"--Auth:SigningKey={key}", $"--Auth:Issuer={SecureArchive.Issuer}", $"--Auth:Audience={SecureArchive.Audience}",
            "--subject", "dr.who", "--scope", "dicom.read", "--claim", "patients=P1");

        Assert.That(exitCode, Is.Zero, output);
        var response = await archive.GetAsync("/dicomweb/studies", output.Trim());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var write = await archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", output.Trim(), StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(write.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the token holds only the scopes asked for");
    }

    [Test]
    public async Task TokenCommand_NoSigningKey_ExplainsWhatToSet()
    {
        var (exitCode, output) = await RunServerAsync("token", "--subject", "x");

        Assert.That((exitCode, output), Is.EqualTo((2, output)));
        Assert.That(output, Does.Contain("Auth:SigningKey"));
    }

    /// <summary>Runs the built server with these arguments until it exits (it must, within a minute).</summary>
    private static async Task<(int ExitCode, string Output)> RunServerAsync(params string[] arguments)
    {
        using var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.ServerDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(RepositoryPaths.ServerDirectory, "DicomWebArchive.Server.dll"), .. arguments, $"--Storage:DataDirectory={data.Path}"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            Assert.Fail("the server did not exit: " + await output);
        }
        return (process.ExitCode, await output + await error);
    }
}
