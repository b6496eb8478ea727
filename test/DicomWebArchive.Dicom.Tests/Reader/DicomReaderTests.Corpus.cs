namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    private static IEnumerable<string> ValidFiles() => Corpus.ValidFiles();

    private static IEnumerable<string> BrokenFiles() => Corpus.ExpectedFailures.Keys;

    [Test]
    public void Corpus_IsPresent_HoldsTheExpectedFiles()
    {
        var files = Corpus.Files().ToList();
        Assert.That(files, Has.Count.GreaterThan(150));
        Assert.That(files, Is.SupersetOf(Corpus.ExpectedFailures.Keys));
    }

    [TestCaseSource(nameof(ValidFiles))]
    public async Task ReadAsync_CorpusFile_Parses(string name)
    {
        foreach (var mode in new[] { PixelDataHandling.Stop, PixelDataHandling.Scan, PixelDataHandling.Load })
        {
            await using var stream = File.OpenRead(Corpus.PathOf(name));
            var file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = mode });
            Assert.That(file.Dataset.Count, Is.GreaterThan(0), mode.ToString());
            if (mode != PixelDataHandling.Stop)
            {
                Assert.That(file.BytesRead, Is.EqualTo(stream.Length), $"{mode} reads the whole stream");
            }
        }
    }

    [TestCaseSource(nameof(BrokenFiles))]
    public void ReadAsync_BrokenCorpusFile_ThrowsDicomFormatException(string name)
    {
        var bytes = Corpus.Bytes(name);
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes), Scan));
        Assert.That(error!.Offset, Is.InRange(0, bytes.Length), Corpus.ExpectedFailures[name]);
    }

    [TestCaseSource(nameof(ValidFiles))]
    public async Task ReadAsync_OneBytePerRead_SameAsWhole(string name)
    {
        var bytes = Corpus.Bytes(name);
        foreach (var mode in new[] { PixelDataHandling.Stop, PixelDataHandling.Scan, PixelDataHandling.Load })
        {
            var options = new DicomReaderOptions { PixelData = mode };
            var whole = CanonicalDump.Of(await DicomReader.ReadAsync(new MemoryStream(bytes), options));
            var trickled = CanonicalDump.Of(await DicomReader.ReadAsync(new ChunkedStream(bytes), options));
            Assert.That(trickled, Is.EqualTo(whole), mode.ToString());
        }
    }
}
