using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Hosting;

public sealed class ServerOptionsTests
{
    [Test]
    public async Task BasePath_Configured_StowServedThere()
    {
        await using var factory = new ArchiveFactory(("DicomWeb:BasePath", "/archive/dicom-web"));
        using var client = factory.CreateClient();

        var moved = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]), "/archive/dicom-web/studies");
        var old = await client.PostAsync("/dicomweb/studies", StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));

        Assert.That(moved.Status, Is.EqualTo(200), moved.ToString);
        Assert.That(moved.Referenced.Single().RetrieveUrl, Does.StartWith("http://localhost/archive/dicom-web/studies/"));
        Assert.That((int)old.StatusCode, Is.EqualTo(404));
    }

    [TestCase("DicomWeb:BasePath", "dicomweb/", "DicomWeb:BasePath")]
    [TestCase("Store:Duplicates", "Sometimes", "Store:Duplicates")]
    [TestCase("Storage:Sweeper:Interval", "-00:00:01", "Storage:Sweeper:Interval")]
    [TestCase("Server:MaxRequestBodySize", "-5", "Server:MaxRequestBodySize")]
    public async Task StartUp_InvalidSetting_FailsNamingIt(string key, string value, string named)
    {
        string dataDirectory = Directory.CreateTempSubdirectory("dwa-options-").FullName;
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.ServerDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])[Path.Combine(RepositoryPaths.ServerDirectory, "DicomWebArchive.Server.dll"), "--urls", "http://127.0.0.1:0", $"--Storage:DataDirectory={dataDirectory}", $"--{key}={value}"])
            {
                start.ArgumentList.Add(argument);
            }
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            bool exited = process.WaitForExit(TimeSpan.FromSeconds(60));
            if (!exited)
            {
                process.Kill();
            }

            Assert.That(exited, Is.True, "the server must refuse to start");
            Assert.That(process.ExitCode, Is.Not.EqualTo(0));
            Assert.That(await output + await error, Does.Contain(named));
        }
        finally
        {
            TempDirectory.Delete(dataDirectory);
        }
    }
}
