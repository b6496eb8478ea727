using System.Diagnostics;
using System.IO.Compression;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Download;

public sealed class DownloadCommandTests
{
    private const int Instances = 6;
    private ServerProcess _server = null!;
    private string _work = null!;
    private string _corpus = null!;
    private string _study = null!;
    private string _series = null!;

    [OneTimeSetUp]
    public async Task StartServerWithASeries()
    {
        _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        _server = await ServerProcess.StartAsync(Path.Combine(_work, "data"));
        _corpus = Corpus.MakeCtSeries(Path.Combine(_work, "corpus"), Instances);
        File.Copy(PydicomCorpus.File("CT_small.dcm"), Path.Combine(_corpus, "ct_small.dcm"));
        var upload = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "corpus");
        Assert.That(upload.ExitCode, Is.Zero, upload.ToString());
        (_study, _series, _) = await Corpus.UidsAsync(Path.Combine(_corpus, "ct00000.dcm"));
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        TempDirectory.Delete(_work);
    }

    [Test]
    public async Task Download_Study_WritesEveryInstanceAsUploaded()
    {
        string output = Path.Combine(_work, "whole");

        var result = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, _study, "--out", output);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Corpus.Count(result.Output, "downloaded"), Is.EqualTo(Instances));
        foreach (var source in Directory.GetFiles(_corpus, "ct0*.dcm"))
        {
            var (study, series, sop) = await Corpus.UidsAsync(source);
            string downloaded = Path.Combine(output, study, series, sop + ".dcm");
            Assert.That(File.Exists(downloaded), Is.True, downloaded);
            Assert.That(Corpus.SameAfterPreamble(source, downloaded), Is.True, downloaded);
        }
    }

    [Test]
    public async Task Download_OneSeriesOfAPydicomStudy_MatchesTheFile()
    {
        string source = PydicomCorpus.File("CT_small.dcm");
        var (study, series, sop) = await Corpus.UidsAsync(source);
        string output = Path.Combine(_work, "series");

        var result = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, study, series, "--out", output);

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Corpus.SameAfterPreamble(source, Path.Combine(output, study, series, sop + ".dcm")), Is.True);
    }

    [Test]
    public async Task Download_Interrupted_ResumesWithoutFetchingFinishedInstancesAgain()
    {
        string output = Path.Combine(_work, "resume");
        var first = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, _study, "--out", output);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        string folder = Path.Combine(output, _study, _series);
        var files = Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal).ToList();
        // As a run cut short leaves it: one instance missing, its partial bytes under the temporary name.
        string missing = files[2];
        byte[] expected = await File.ReadAllBytesAsync(missing);
        File.Delete(missing);
        await File.WriteAllBytesAsync(missing + ".part", expected.AsSpan(0, expected.Length / 3).ToArray());
        var finished = files.Where(f => f != missing).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var second = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, _study, "--out", output);

        Assert.Multiple(() =>
        {
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(Corpus.Count(second.Output, "downloaded"), Is.EqualTo(1));
            Assert.That(Corpus.Count(second.Output, "already present"), Is.EqualTo(Instances - 1));
            Assert.That(File.ReadAllBytes(missing), Is.EqualTo(expected));
            Assert.That(Directory.GetFiles(output, "*.part", SearchOption.AllDirectories), Is.Empty);
            Assert.That(finished.All(f => File.GetLastWriteTimeUtc(f.Key) == f.Value), Is.True, "finished instances were written again");
        });
    }

    [Test]
    public async Task Download_WithZip_WritesAnArchiveOfTheStudy()
    {
        string output = Path.Combine(_work, "zipped");

        var result = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, _study, "--out", output, "--zip");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var zip = ZipFile.OpenRead(Path.Combine(output, _study + ".zip"));
        Assert.That(zip.Entries, Has.Count.EqualTo(Instances));
        Assert.That(zip.Entries.Select(e => e.FullName), Has.All.StartWith($"{_study}/{_series}/").And.All.EndWith(".dcm"));
    }

    [Test]
    public async Task Download_UnknownStudy_SaysThereIsNothing()
    {
        var result = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, "1.2.3.4.5", "--out", Path.Combine(_work, "none"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.Trim(), Is.EqualTo($"dicomweb: {_server.DicomWebRoot} has no instances of study 1.2.3.4.5"));
    }

    [Test]
    public async Task Download_DiskFull_StopsWithOneLineAndLeavesNoPartialFile()
    {
        string small = Path.Combine(_work, "small-disk");
        Directory.CreateDirectory(small);
        // A 1 MB file system for a 3 MB study: root mounts a tmpfs; elsewhere the test cannot make a disk fill up.
        if (!Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small))
        {
            Assert.Ignore("mounting a small tmpfs needs root");
        }
        try
        {
            var result = await CliRun.RunAsync(_work, "download", _server.DicomWebRoot, _study, "--out", small, "--parallel", "1");

            Assert.Multiple(() =>
            {
                Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
                Assert.That(result.Error.Trim(), Does.Match(@"^dicomweb: disk full: no space left to write .*\.dcm\.part$"));
                Assert.That(Directory.GetFiles(small, "*.part", SearchOption.AllDirectories), Is.Empty);
            });
        }
        finally
        {
            Run("umount", small);
        }
    }

    private static bool Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
