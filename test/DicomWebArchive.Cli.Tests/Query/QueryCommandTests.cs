using System.Text.Json;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Query;

public sealed class QueryCommandTests
{
    private ServerProcess _server = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task StartServerWithTwoStudies()
    {
        _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        _server = await ServerProcess.StartAsync(Path.Combine(_work, "data"));
        var upload = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, PydicomCorpus.File("CT_small.dcm"), PydicomCorpus.File("MR_small.dcm"));
        Assert.That(upload.ExitCode, Is.Zero, upload.ToString());
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        TempDirectory.Delete(_work);
    }

    [Test]
    public async Task Query_Studies_TableShowsPatientsModalitiesAndCounts()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Match(@"│ CompressedSamples\^CT1\s*│ 1CT1\s*│ 20040119\s*│\s*│ CT\s*│ e\+1\s*│ 1\s*│ 1\s*│ 1\.3\.6\.1\.4\.1\.5962\.1\.2\.1\.20040119072730\.12322"));
            Assert.That(result.Output, Does.Contain("CompressedSamples^MR1"));
            Assert.That(result.Output, Does.Contain("2 matches"));
        });
    }

    [Test]
    public async Task Query_PatientIdAsJson_PrintsTheServersDicomJson()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot, "--patient-id", "1CT1", "--json");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        Assert.That(json.RootElement.GetArrayLength(), Is.EqualTo(1));
        Assert.That(json.RootElement[0].GetProperty("00100020").GetProperty("Value")[0].GetString(), Is.EqualTo("1CT1"));
    }

    [Test]
    public async Task Query_SeriesOfOneModality_ShowsSeriesColumns()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot, "--level", "series", "--modality", "MR");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("Series UID"));
            Assert.That(result.Output, Does.Match(@"│ MR\s*│"));
            Assert.That(result.Output, Does.Not.Contain("CompressedSamples^CT1"));
            Assert.That(result.Output, Does.Contain("1 match"));
        });
    }

    [Test]
    public async Task Query_InstancesOfAStudy_ListsTheSopInstance()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot, "--level", "instance", "--study-uid", "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Output, Does.Contain("1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457"));
    }

    [Test]
    public async Task Query_NameThatMatchesNothing_SaysSoAndSucceeds()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot, "--patient-name", "nobody*");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.Output.Trim(), Is.EqualTo("No matches"));
    }

    [Test]
    public async Task Query_MalformedDate_GivesTheServersMessageOnOneLine()
    {
        var result = await CliRun.RunAsync(_work, "query", _server.DicomWebRoot, "--study-date", "yesterday");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error.Trim(), Does.StartWith("dicomweb: ").And.Contain("HTTP 400").And.Not.Contain("\n"));
    }
}
