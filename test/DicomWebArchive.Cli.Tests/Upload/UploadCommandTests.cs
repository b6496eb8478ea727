using System.IO.Compression;
using System.Text.Json;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Upload;

public sealed class UploadCommandTests
{
    private ServerProcess _server = null!;
    private string _work = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        _server = await ServerProcess.StartAsync(Path.Combine(_work, "data"));
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        TempDirectory.Delete(_work);
    }

    [Test]
    public async Task Upload_FolderWithOtherFilesMixedIn_StoresTheDicomAndListsEveryOtherFile()
    {
        string folder = Path.Combine(_work, "mixed");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.Copy(PydicomCorpus.File("CT_small.dcm"), Path.Combine(folder, "ct.dcm"));
        // Found by content: no extension, one folder down.
        File.Copy(PydicomCorpus.File("MR_small.dcm"), Path.Combine(folder, "sub", "IM0001"));
        File.Copy(PydicomCorpus.File("MR_truncated.dcm"), Path.Combine(folder, "truncated.dcm"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "Patient was scanned twice.\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "sub", "picture.png"), Corpus.Png);

        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "mixed");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(Corpus.Count(result.Output, "stored"), Is.EqualTo(2), result.ToString());
            Assert.That(Corpus.Count(result.Output, "refused"), Is.EqualTo(1), result.ToString());
            Assert.That(Corpus.Count(result.Output, "not DICOM"), Is.EqualTo(2), result.ToString());
            Assert.That(result.Output, Does.Match(@"notes\.txt\s*│\s*not DICOM"));
            Assert.That(result.Output, Does.Match(@"picture\.png\s*│\s*not DICOM"));
            // The server could not parse the truncated copy, and the tool says so with the server's reason code.
            Assert.That(result.Output, Does.Match(@"truncated\.dcm\s*│\s*refused\s*│\s*0xC000"));
            Assert.That(result.Error, Is.Empty);
        });
        Assert.That(await InstanceCountAsync("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"), Is.EqualTo(1));
        Assert.That(await InstanceCountAsync("1.3.6.1.4.1.5962.1.2.4.20040826185059.5457"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_ZipArchive_StoresTheDicomEntries()
    {
        string zip = Path.Combine(_work, "export.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(PydicomCorpus.File("CT_small.dcm"), "DICOM/IM1");
            archive.CreateEntryFromFile(PydicomCorpus.File("waveform_ecg.dcm"), "DICOM/waves/ECG");
            archive.CreateEntry("README.txt").Open().Dispose();
        }

        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "export.zip", "--batch", "1");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(Corpus.Count(result.Output, "stored"), Is.EqualTo(2), result.ToString());
            Assert.That(Corpus.Count(result.Output, "not DICOM"), Is.EqualTo(1), result.ToString());
            Assert.That(result.Output, Does.Match(@"export\.zip:README\.txt\s*│\s*not DICOM"));
        });
        var ecg = await Corpus.UidsAsync(PydicomCorpus.File("waveform_ecg.dcm"));
        Assert.That(await InstanceCountAsync(ecg.Study), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_DifferentBytesUnderAStoredUid_IsRefusedWithTheServersReason()
    {
        string folder = Path.Combine(_work, "conflict");
        Directory.CreateDirectory(folder);
        // A file whose SOP Instance UID no other test of this fixture stores (MR_small's variants share theirs).
        byte[] original = await File.ReadAllBytesAsync(PydicomCorpus.File("JPEG2000.dcm"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "original.dcm"), original);
        Assert.That((await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "conflict/original.dcm")).ExitCode, Is.Zero);
        original[^200] ^= 0xFF; // inside the codestream, before the sequence delimiter
        await File.WriteAllBytesAsync(Path.Combine(folder, "changed.dcm"), original);

        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "conflict/changed.dcm");

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Output, Does.Match(@"changed\.dcm\s*│\s*refused\s*│\s*0x0111 duplicate SOP instance"));
    }

    [Test]
    public async Task Upload_DataSetWithoutPreamble_IsRecognisedAsDicom()
    {
        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, PydicomCorpus.File("ExplVR_LitEndNoMeta.dcm"));

        Assert.That(Corpus.Count(result.Output, "not DICOM"), Is.Zero, result.ToString());
        Assert.That(result.Output, Does.Contain("Found 1 DICOM instances"));
    }

    [Test]
    public async Task Upload_SameFolderTwice_StoresAgainWithoutFailure()
    {
        string folder = Corpus.MakeCtSeries(Path.Combine(_work, "twice"), 12);

        var first = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, folder, "--batch", "5", "--parallel", "2");
        var second = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, folder, "--batch", "5", "--parallel", "2");

        Assert.Multiple(() =>
        {
            Assert.That(first.ExitCode, Is.Zero, first.ToString());
            Assert.That(Corpus.Count(first.Output, "stored"), Is.EqualTo(12));
            Assert.That(second.ExitCode, Is.Zero, second.ToString());
            Assert.That(Corpus.Count(second.Output, "stored"), Is.EqualTo(12));
            Assert.That(first.Output, Does.Match(@"12 instances answered, [0-9.]+ MB in [0-9.]+ s: [0-9.]+ instances/s, [0-9.]+ MB/s"));
        });
    }

    [Test]
    public async Task Upload_SymbolicLinkToAFile_SendsTheWholeTarget()
    {
        string folder = Path.Combine(_work, "links");
        Directory.CreateDirectory(folder);
        File.CreateSymbolicLink(Path.Combine(folder, "ct.dcm"), PydicomCorpus.File("CT_small.dcm"));

        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "links");

        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(Corpus.Count(result.Output, "stored"), Is.EqualTo(1));
    }

    [Test]
    public async Task Upload_FolderWithDicomdir_SkipsTheDicomdirWithoutFailing()
    {
        string folder = Path.Combine(_work, "cd");
        Directory.CreateDirectory(Path.Combine(folder, "IMAGES"));
        File.Copy(Path.Combine(Path.GetDirectoryName(PydicomCorpus.File("CT_small.dcm"))!, "dicomdirtests", "DICOMDIR"), Path.Combine(folder, "DICOMDIR"));
        File.Copy(PydicomCorpus.File("CT_small.dcm"), Path.Combine(folder, "IMAGES", "IM0"));

        var result = await CliRun.RunAsync(_work, "upload", _server.DicomWebRoot, "cd");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            Assert.That(Corpus.Count(result.Output, "stored"), Is.EqualTo(1));
            Assert.That(result.Output, Does.Match(@"DICOMDIR\s*│\s*skipped\s*│\s*DICOMDIR: a media index, not an instance"));
        });
    }

    private async Task<int> InstanceCountAsync(string study)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{_server.DicomWebRoot}/studies/{study}/instances");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement.GetArrayLength() : 0;
    }
}
