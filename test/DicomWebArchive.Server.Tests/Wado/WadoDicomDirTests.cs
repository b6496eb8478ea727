using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Writing;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>
/// application/zip with ?dicomdir=true: the ZIP is a PS3.10 file-set that pydicom's FileSet and dcmtk read, with the
/// same records dcmtk's own dcmmkdir makes from the same files.
/// </summary>
public sealed class WadoDicomDirTests
{
    private const string SrSopClass = "1.2.840.10008.5.1.4.1.1.88.11";
    private const string MrSopClass = "1.2.840.10008.5.1.4.1.1.4";

    private readonly string _study = TestDicom.NewUid();
    private readonly string _ctSeries = TestDicom.NewUid();
    private readonly string _mrSeries = TestDicom.NewUid();
    private readonly string _srSeries = TestDicom.NewUid();
    private readonly List<(string Sop, string SopClass, string Series)> _stored = [];
    private ArchiveFactory _archive = null!;
    private HttpClient _client = null!;
    private string _directory = "";

    [OneTimeSetUp]
    public async Task StoreAsync()
    {
        _archive = new ArchiveFactory();
        _client = _archive.CreateClient();
        var files = new List<byte[]>();
        for (int i = 1; i <= 3; i++)
        {
            files.Add(Image(TestDicom.CtImageStorage, "CT", _ctSeries, seriesNumber: 2, instanceNumber: i));
        }
        for (int i = 1; i <= 2; i++)
        {
            files.Add(Image(MrSopClass, "MR", _mrSeries, seriesNumber: 5, instanceNumber: i));
        }
        files.Add(Report());
        var result = await StowRequests.PostAsync(_client, StowRequests.Multipart(files));
        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
        var corpus = await StowRequests.PostAsync(_client, StowRequests.MultipartFiles(CorpusStudyFiles()));
        Assert.That(corpus.Status, Is.EqualTo(200), corpus.ToString);
    }

    /// <summary>pydicom's 98892001: one CT study of two series, seven files.</summary>
    private static string[] CorpusStudyFiles()
    {
        var directory = Path.Combine(PydicomCorpus.Root, "test_files", "dicomdirtests", "98892001");
        if (!Directory.Exists(directory))
        {
            Assert.Fail($"{directory} is missing: install Debian's python3-pydicom (test/run.sh does).");
        }
        return Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
    }

    [Test]
    public async Task CorpusStudy_DicomDirTrue_PydicomFindsEveryFileAsStoredAndDcmmkdirAgrees()
    {
        var files = CorpusStudyFiles();
        string study = Run(ExternalTool.DebianPython, "-c", "import sys; from pydicom import dcmread; print(dcmread(sys.argv[1]).StudyInstanceUID)", files[0]).Stdout.Trim();
        var expected = files.ToDictionary(
            f => Run(ExternalTool.DebianPython, "-c", "import sys; from pydicom import dcmread; print(dcmread(sys.argv[1]).SOPInstanceUID)", f).Stdout.Trim(),
            f => { var bytes = File.ReadAllBytes(f); bytes.AsSpan(0, 128).Clear(); return bytes; });

        await DownloadAsync($"/dicomweb/studies/{study}?accept=application/zip;transfer-syntax=*&dicomdir=true");

        var instances = Pydicom(_directory).GetProperty("instances").EnumerateArray().ToList();
        Assert.That(instances.Select(i => i.GetProperty("referencedSop").GetString()), Is.EquivalentTo(expected.Keys));
        foreach (var instance in instances)
        {
            string sop = instance.GetProperty("referencedSop").GetString()!;
            Assert.That(File.ReadAllBytes(Path.Combine(_directory, instance.GetProperty("path").GetString()!)), Is.EqualTo(expected[sop]), sop);
            Assert.That(instance.GetProperty("chain").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "PATIENT", "STUDY", "SERIES", "IMAGE" }));
        }
        var (exitCode, stdout, stderr) = RunIn(_directory, "dcmmkdir", "+r", "+I", "-Nxc", "+F", "DICOMWEBARCHIVE", "+D", "REFDIR", "DICOM");
        Assert.That(exitCode, Is.Zero, stdout + stderr);
        Assert.That(Records(Path.Combine(_directory, "DICOMDIR")), Is.EquivalentTo(Records(Path.Combine(_directory, "REFDIR"))));
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _client.Dispose();
        _archive.Dispose();
    }

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("dwa-dicomdir-").FullName;

    [TearDown]
    public void DeleteDirectory() => TempDirectory.Delete(_directory);

    [Test]
    public async Task Study_DicomDirTrue_PydicomFileSetFindsEveryInstanceWithItsUids()
    {
        await DownloadAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir=true");

        var oracle = Pydicom(_directory);
        var instances = oracle.GetProperty("instances").EnumerateArray().ToList();
        Assert.That(oracle.GetProperty("fileSetId").GetString(), Is.EqualTo("DICOMWEBARCHIVE"));
        Assert.That(instances.Select(i => i.GetProperty("referencedSop").GetString()), Is.EquivalentTo(_stored.Select(s => s.Sop)));
        foreach (var instance in instances)
        {
            string sop = instance.GetProperty("referencedSop").GetString()!;
            var stored = _stored.Single(s => s.Sop == sop);
            string path = instance.GetProperty("path").GetString()!;
            Assert.That(path, Does.Match("^DICOM/P0000001/S0000001/SE0000[0-9][0-9]/IM0000[0-9][0-9]$"), sop);
            Assert.That(instance.GetProperty("fileSop").GetString(), Is.EqualTo(sop));
            Assert.That(instance.GetProperty("fileSopClass").GetString(), Is.EqualTo(stored.SopClass));
            Assert.That(instance.GetProperty("referencedSopClass").GetString(), Is.EqualTo(stored.SopClass));
            Assert.That(instance.GetProperty("referencedSyntax").GetString(), Is.EqualTo(instance.GetProperty("fileSyntax").GetString()));
            Assert.That(instance.GetProperty("fileStudy").GetString(), Is.EqualTo(_study));
            Assert.That(instance.GetProperty("recordStudy").GetString(), Is.EqualTo(_study));
            Assert.That(instance.GetProperty("fileSeries").GetString(), Is.EqualTo(stored.Series));
            Assert.That(instance.GetProperty("recordSeries").GetString(), Is.EqualTo(stored.Series));
            Assert.That(instance.GetProperty("recordPatientId").GetString(), Is.EqualTo("PID-7"));
            Assert.That(instance.GetProperty("recordPatientName").GetString(), Is.EqualTo("Müller^Jürgen"));
            var chain = instance.GetProperty("chain").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.That(chain, Is.EqualTo(new[] { "PATIENT", "STUDY", "SERIES", stored.SopClass == SrSopClass ? "SR DOCUMENT" : "IMAGE" }), sop);
            if (stored.SopClass == SrSopClass)
            {
                Assert.That(instance.GetProperty("recordCompletionFlag").GetString(), Is.EqualTo("COMPLETE"));
            }
        }
        Assert.That(File.Exists(Path.Combine(_directory, "DICOMDIR")));
    }

    [Test]
    public async Task Series_DicomDirTrue_OnlyThatSeriesListed()
    {
        await DownloadAsync($"/dicomweb/studies/{_study}/series/{_mrSeries}?accept=application/zip&dicomdir=TRUE");

        var instances = Pydicom(_directory).GetProperty("instances").EnumerateArray().ToList();
        Assert.That(instances.Select(i => i.GetProperty("referencedSop").GetString()), Is.EquivalentTo(_stored.Where(s => s.Series == _mrSeries).Select(s => s.Sop)));
        Assert.That(instances.Select(i => i.GetProperty("path").GetString()), Is.EquivalentTo(new[] { "DICOM/P0000001/S0000001/SE000001/IM000001", "DICOM/P0000001/S0000001/SE000001/IM000002" }));
        Assert.That(instances.Select(i => i.GetProperty("recordInstanceNumber").GetString()), Is.EquivalentTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task Study_DicomDirTrue_DcmdumpReadsItAndEveryOffsetIsARecordItFound()
    {
        await DownloadAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir=true");

        var (exitCode, stdout, stderr) = Run("dcmdump", "-E", Path.Combine(_directory, "DICOMDIR"));

        Assert.That(exitCode, Is.Zero, stderr);
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Does.Contain("=MediaStorageDirectoryStorage").And.Contain("(0004,1220) SQ"));
        // dcmdump prints where it found each record ("# offset=$n") and the offset attributes as "up n".
        var found = Regex.Matches(stdout, @"# +offset=\$(\d+)").Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        var pointers = Regex.Matches(stdout, @"\((0004,1[24]\d\d)\) up (\d+)").Select(m => (Tag: m.Groups[1].Value, Offset: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.That(found, Has.Count.EqualTo(1 + 1 + 3 + 6), "PATIENT, STUDY, three SERIES, six instances");
        Assert.That(pointers.Single(p => p.Tag == "0004,1200").Offset, Is.EqualTo(found[0]));
        Assert.That(pointers.Single(p => p.Tag == "0004,1202").Offset, Is.EqualTo(found[0]), "one patient: first and last root record");
        Assert.That(pointers.Where(p => p.Offset != 0).Select(p => p.Offset).Distinct(), Is.SubsetOf(found));
        Assert.That(pointers.Count(p => p.Tag == "0004,1420" && p.Offset != 0), Is.EqualTo(1 + 1 + 3), "patient, study and series records have lower levels");
        Assert.That(pointers.Count(p => p.Tag == "0004,1400" && p.Offset != 0), Is.EqualTo(2 + 2 + 1), "three series, six instances in three chains");
    }

    [Test]
    public async Task Study_DicomDirTrue_DcmtkAppendsToItAndKeepsEveryRecord()
    {
        // dcmmkdir --append loads the DICOMDIR through DcmDicomDir, which follows the offsets; offered the same files again,
        // it finds each one's record (and says so), adds nothing and writes back what it understood.
        await DownloadAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir=true");
        var before = Run("dcmdump", "+L", Path.Combine(_directory, "DICOMDIR")).Stdout;
        var sops = _stored.Select(s => s.Sop).ToList();

        var (exitCode, stdout, stderr) = RunIn(_directory, "dcmmkdir", "--append", "-Nxc", "+r", "DICOM");

        Assert.That(exitCode, Is.Zero, stdout + stderr);
        Assert.That(stderr + stdout, Does.Not.Contain("E:"));
        Assert.That((stderr + stdout).Split('\n').Where(l => l.StartsWith("W:", StringComparison.Ordinal)), Has.All.Contain("already exists"), "no offset dcmtk cannot resolve");
        Assert.That(Regex.Matches(stderr + stdout, "directory record for this SOP instance already exists"), Has.Count.EqualTo(sops.Count));
        var after = Run("dcmdump", "+L", Path.Combine(_directory, "DICOMDIR")).Stdout;
        foreach (var sop in sops)
        {
            Assert.That(before, Does.Contain(sop));
            Assert.That(after.Split(sop).Length, Is.EqualTo(before.Split(sop).Length), $"{sop} listed as often after dcmmkdir --append");
        }
    }

    [Test]
    public async Task Study_DicomDirTrue_SameRecordsAsDcmmkdirMakesFromTheFiles()
    {
        await DownloadAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir=true");
        string reference = Path.Combine(_directory, "REFDIR");

        var (exitCode, stdout, stderr) = RunIn(_directory, "dcmmkdir", "+r", "+I", "-Nxc", "+F", "DICOMWEBARCHIVE", "+D", "REFDIR", "DICOM");

        Assert.That(exitCode, Is.Zero, stdout + stderr);
        var ours = Records(Path.Combine(_directory, "DICOMDIR"));
        var theirs = Records(reference);
        Assert.That(ours, Is.EquivalentTo(theirs));
    }

    [Test]
    public async Task Study_NoDicomDir_ZipAsBefore()
    {
        using var response = await _client.GetAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir=false");
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));

        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(_stored.Select(s => $"{_study}/{s.Series}/{s.Sop}.dcm")));
    }

    [TestCase("yes")]
    [TestCase("1")]
    [TestCase("")]
    [TestCase("true&dicomdir=true")]
    [TestCase("%00%FF")]
    public async Task Study_DicomDirGarbage_400(string value)
    {
        using var response = await _client.GetAsync($"/dicomweb/studies/{_study}?accept=application/zip&dicomdir={value}");
        string body = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(400), body);
        Assert.That(body, Does.Contain("dicomdir"));
    }

    [Test]
    public async Task Study_DicomDirTrueWithMultipart_DicomDirIgnored()
    {
        using var response = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{_study}?dicomdir=true", "multipart/related; type=\"application/dicom\""));
        var parts = await WadoResponses.ReadPartsAsync(response);

        Assert.That(parts, Has.Count.EqualTo(_stored.Count));
    }

    private async Task DownloadAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), () => System.Text.Encoding.UTF8.GetString(bytes));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        using var zip = new ZipArchive(new MemoryStream(bytes));
        Assert.That(zip.Entries[^1].FullName, Is.EqualTo("DICOMDIR"));
        zip.ExtractToDirectory(_directory);
    }

    /// <summary>Every record as "TYPE key=value…" in file order, from pydicom, keys the two writers share.</summary>
    private static List<string> Records(string dicomDir)
    {
        const string script = """
            import sys
            from pydicom import dcmread
            keys = ["PatientID", "PatientName", "StudyInstanceUID", "StudyDate", "StudyID", "AccessionNumber", "Modality",
                    "SeriesInstanceUID", "SeriesNumber", "InstanceNumber", "ReferencedFileID", "ReferencedSOPInstanceUIDInFile",
                    "ReferencedSOPClassUIDInFile", "ReferencedTransferSyntaxUIDInFile", "CompletionFlag", "VerificationFlag"]
            for r in dcmread(sys.argv[1]).DirectoryRecordSequence:
                print(r.DirectoryRecordType, " ".join(f"{k}={r.get(k, '')}" for k in keys if k in r))
            """;
        var (exitCode, stdout, stderr) = Run(ExternalTool.DebianPython, "-c", script, dicomDir);
        Assert.That(exitCode, Is.Zero, stderr);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static JsonElement Pydicom(string directory)
    {
        var (exitCode, stdout, stderr) = Run(ExternalTool.DebianPython, Path.Combine(AppContext.BaseDirectory, "Wado", "dicomdir_oracle.py"), directory);
        Assert.That(exitCode, Is.Zero, $"dicomdir_oracle.py failed: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.Clone();
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string fileName, params string[] arguments) => ExternalTool.Run(fileName, arguments);

    private static (int ExitCode, string Stdout, string Stderr) RunIn(string? directory, string fileName, params string[] arguments) =>
        ExternalTool.RunIn(directory, fileName, arguments);

    private byte[] Image(string sopClass, string modality, string series, int? seriesNumber, int instanceNumber)
    {
        string sop = TestDicom.NewUid();
        _stored.Add((sop, sopClass, series));
        var builder = Common(sopClass, sop, modality, series, seriesNumber, instanceNumber)
            .AddUInt16(DicomTags.SamplesPerPixel, 1)
            .AddString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2")
            .AddUInt16(DicomTags.Rows, 4)
            .AddUInt16(DicomTags.Columns, 4)
            .AddUInt16(DicomTags.BitsAllocated, 16)
            .AddUInt16(DicomTags.BitsStored, 12)
            .AddUInt16(DicomTags.HighBit, 11)
            .AddUInt16(DicomTags.PixelRepresentation, 0)
            .AddBytes(DicomTags.PixelData, DicomVR.OW, new byte[32]);
        return Write(builder);
    }

    private byte[] Report()
    {
        string sop = TestDicom.NewUid();
        _stored.Add((sop, SrSopClass, _srSeries));
        var builder = Common(SrSopClass, sop, "SR", _srSeries, seriesNumber: 99, instanceNumber: 1)
            .AddString(DicomTags.ContentDate, DicomVR.DA, "20240131")
            .AddString(DicomTags.ContentTime, DicomVR.TM, "101500")
            .AddString(new DicomTag(0x0040A040), DicomVR.CS, "CONTAINER")
            .AddSequence(DicomTags.ConceptNameCodeSequence, new DicomDatasetBuilder()
                .AddString(new DicomTag(0x00080100), DicomVR.SH, "18748-4")
                .AddString(new DicomTag(0x00080102), DicomVR.SH, "LN")
                .AddString(new DicomTag(0x00080104), DicomVR.LO, "Diagnostic imaging report"))
            .AddString(new DicomTag(0x0040A050), DicomVR.CS, "SEPARATE")
            .AddString(DicomTags.CompletionFlag, DicomVR.CS, "COMPLETE")
            .AddString(DicomTags.VerificationFlag, DicomVR.CS, "UNVERIFIED");
        return Write(builder);
    }

    private DicomDatasetBuilder Common(string sopClass, string sop, string modality, string series, int? seriesNumber, int instanceNumber)
    {
        var builder = new DicomDatasetBuilder()
            .AddString(DicomTags.SOPClassUID, DicomVR.UI, sopClass)
            .AddString(DicomTags.SOPInstanceUID, DicomVR.UI, sop)
            .AddString(DicomTags.StudyDate, DicomVR.DA, "20240131")
            .AddString(DicomTags.StudyTime, DicomVR.TM, "093000")
            .AddString(DicomTags.AccessionNumber, DicomVR.SH, "ACC1")
            .AddString(DicomTags.Modality, DicomVR.CS, modality)
            .AddString(DicomTags.StudyDescription, DicomVR.LO, "Odd")
            .AddString(DicomTags.PatientName, DicomVR.PN, "Müller^Jürgen")
            .AddString(DicomTags.PatientID, DicomVR.LO, "PID-7")
            .AddString(DicomTags.PatientBirthDate, DicomVR.DA, "19700101")
            .AddString(DicomTags.PatientSex, DicomVR.CS, "M")
            .AddString(DicomTags.StudyInstanceUID, DicomVR.UI, _study)
            .AddString(DicomTags.SeriesInstanceUID, DicomVR.UI, series)
            .AddString(DicomTags.StudyID, DicomVR.SH, "STUDY1")
            .AddString(DicomTags.InstanceNumber, DicomVR.IS, instanceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (seriesNumber is { } number)
        {
            builder.AddString(DicomTags.SeriesNumber, DicomVR.IS, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder;
    }

    private static byte[] Write(DicomDatasetBuilder builder)
    {
        using var stream = new MemoryStream();
        DicomPart10Writer.Write(stream, builder.Build(), TransferSyntax.ExplicitVRLittleEndian);
        return stream.ToArray();
    }
}
