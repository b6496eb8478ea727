using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>The npm dicomweb-client (what OHIF uses) against the real server process: search, metadata, instance, frames, bulk data.</summary>
public sealed class DicomWebClientTests
{
    private static readonly string[] Files = ["CT_small.dcm", "MR_small_bigendian.dcm", "SC_rgb_rle_2frame.dcm", "JPEG2000.dcm"];

    [Test]
    public async Task DicomWebClient_SearchMetadataInstanceFrames_MatchStoredFiles()
    {
        string modules = NodeTools.Modules("dicomweb-client", "xhr2");
        await using var server = await LoopbackArchive.StartAsync();
        using var client = server.CreateClient();
        var stored = await StowRequests.PostAsync(client, StowRequests.MultipartFiles(Files.Select(PydicomCorpus.File)));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        var (exit, output, errors) = await NodeTools.RunAsync(Path.Combine(RepositoryPaths.RepositoryRoot, "test", "clients", "dicomweb-client.test.js"), server.DicomWebRoot, modules);

        Assert.That(exit, Is.EqualTo(0), errors);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var oracle = WadoResponses.PydicomFrames(Files.Select(PydicomCorpus.File));
        Assert.That(root.GetProperty("studies").GetArrayLength(), Is.EqualTo(Files.Length));
        Assert.That(root.GetProperty("metadata").GetArrayLength(), Is.EqualTo(Files.Length));
        foreach (var name in Files)
        {
            string path = PydicomCorpus.File(name);
            var bytes = await File.ReadAllBytesAsync(path);
            var file = await DicomReader.ReadAsync(new MemoryStream(bytes));
            string sop = file.Dataset.GetAsciiString(DicomTags.SOPInstanceUID)!;
            bytes.AsSpan(0, 128).Clear();
            if (file.TransferSyntax.IsBigEndian)
            {
                // The client asks for no transfer syntax: big endian is converted to Explicit VR Little Endian (WadoCorpusTests checks the conversion).
                using var converted = await client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{file.Dataset.GetAsciiString(DicomTags.StudyInstanceUID)}/series/{file.Dataset.GetAsciiString(DicomTags.SeriesInstanceUID)}/instances/{sop}", "application/dicom"));
                Assert.That(converted.Content.Headers.ContentType!.ToString(), Does.Contain("transfer-syntax=1.2.840.10008.1.2.1"));
                bytes = await converted.Content.ReadAsByteArrayAsync();
            }
            var frames = root.GetProperty("frames").GetProperty(sop).EnumerateArray().Select(f => f.GetString()).ToList();
            var expectedFrames = oracle[path].GetProperty("frames").EnumerateArray().Select(f => f.GetString()).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(root.GetProperty("instances").GetProperty(sop).GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(bytes))), $"{name}: instance");
                Assert.That(frames, Is.EqualTo(expectedFrames), $"{name}: frames");
                Assert.That(root.GetProperty("bulkData").GetProperty(sop).GetArrayLength(), Is.GreaterThan(0), $"{name}: Pixel Data bulk data");
            });
        }
    }
}

/// <summary>Node and the npm packages test/run.sh installs into test/.tools.</summary>
internal static class NodeTools
{
    public static string Modules(params string[] packages)
    {
        string modules = Path.Combine(RepositoryPaths.RepositoryRoot, "test", ".tools", "node_modules");
        foreach (var package in packages)
        {
            if (!Directory.Exists(Path.Combine(modules, package)))
            {
                Assert.Fail($"npm package {package} is missing from {modules}: test/run.sh installs it (npm install --prefix test/.tools {package}).");
            }
        }
        return modules;
    }

    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} did not finish within 3 minutes: {await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
