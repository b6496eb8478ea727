using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Dicom.Tests.Reader;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Writing;

/// <summary>Every valid corpus file read, written and read again: the same elements with the same values.</summary>
public sealed class DicomPart10WriterRoundTripTests
{
    private static readonly DicomReaderOptions LoadAll = new() { PixelData = PixelDataHandling.Load };

    private static IEnumerable<TestCaseData> Cases() => Corpus.ValidFiles()
        .SelectMany(name => new[] { false, true }.Select(defined => new TestCaseData(name, defined)));

    [TestCaseSource(nameof(Cases))]
    public async Task Write_CorpusFile_ReadsBackTheSameDataSet(string name, bool definedLengthSequences)
    {
        var original = await DicomReader.ReadAsync(new MemoryStream(Corpus.Bytes(name)), LoadAll);
        // Big endian is retired and not written; everything else keeps its transfer syntax.
        var syntax = original.TransferSyntax.IsBigEndian ? TransferSyntax.ExplicitVRLittleEndian : original.TransferSyntax;
        using var written = new MemoryStream();
        await DicomPart10Writer.WriteAsync(written, original.Dataset, syntax, new DicomPart10WriterOptions { DefinedLengthSequences = definedLengthSequences });
        written.Position = 0;
        var reread = await DicomReader.ReadAsync(written, LoadAll with { AllowMissingMeta = false });
        Assert.Multiple(() =>
        {
            Assert.That(reread.TransferSyntax.Uid, Is.EqualTo(syntax.Uid));
            Assert.That(reread.Meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID), Is.EqualTo(original.Dataset.GetAsciiString(DicomTags.SOPInstanceUID) ?? ""));
            Assert.That(Dump(original.Dataset), Is.Not.Empty, "the original has elements to compare");
            Assert.That(Dump(reread.Dataset), Is.EqualTo(Dump(original.Dataset)));
        });
    }

    private static IEnumerable<string> NotDeflated() => Corpus.ValidFiles()
        .Where(name => !DicomReader.ReadAsync(new MemoryStream(Corpus.Bytes(name))).AsTask().Result.TransferSyntax.IsDeflated);

    /// <summary>The path of format conversion: pixel data is not loaded but copied from the source by offset.</summary>
    [TestCaseSource(nameof(NotDeflated))]
    public async Task Write_ScannedFileWithOpenValue_CopiesPixelDataFromTheSource(string name)
    {
        var bytes = Corpus.Bytes(name);
        var scanned = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        var loaded = await DicomReader.ReadAsync(new MemoryStream(bytes), LoadAll);
        var syntax = scanned.TransferSyntax.IsBigEndian ? TransferSyntax.ExplicitVRLittleEndian : scanned.TransferSyntax;
        var options = new DicomPart10WriterOptions
        {
            OpenValue = e => new MemoryStream(bytes, (int)e.ValueOffset, (int)e.ValueLength, writable: false),
            OpenValueIsBigEndian = scanned.TransferSyntax.IsBigEndian,
        };
        using var written = new MemoryStream();
        await DicomPart10Writer.WriteAsync(written, scanned.Dataset, syntax, options);
        written.Position = 0;
        var reread = await DicomReader.ReadAsync(written, LoadAll);
        Assert.That(Dump(reread.Dataset), Is.EqualTo(Dump(loaded.Dataset)));
    }

    /// <summary>Tag, VR, even-padded value hash, item structure and fragment count; offsets differ by design and group lengths are dropped.</summary>
    private static string Dump(DicomDataset dataset)
    {
        var text = new StringBuilder();
        Append(text, dataset, 0);
        return text.ToString();
    }

    private static void Append(StringBuilder text, DicomDataset dataset, int depth)
    {
        foreach (var element in dataset.Where(e => !e.Tag.IsGroupLength && e.Tag.Group != 0x0002))
        {
            var value = element.Value.ToArray();
            if (value.Length % 2 == 1)
            {
                value = [.. value, DicomDatasetEncoder.PadByte(element.VR)];
            }
            text.Append(' ', depth * 2)
                .Append(CultureInfo.InvariantCulture, $"{element.Tag} {element.VR.ToCode()} {value.Length} {Convert.ToHexString(SHA256.HashData(value))[..16]} fragments {element.Fragments?.Count}\n");
            foreach (var item in element.Items ?? [])
            {
                text.Append(' ', depth * 2).Append("item\n");
                Append(text, item, depth + 1);
            }
        }
    }
}
