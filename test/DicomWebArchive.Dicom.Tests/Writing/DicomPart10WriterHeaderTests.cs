using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Writing;

/// <summary>The corrected head of a Part 10 file for a data set kept byte for byte; dcmdump is the independent reader.</summary>
public sealed class DicomPart10WriterHeaderTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string Sop = "1.2.246.352.91.0000217.2005.7";

    private static byte[] Dataset() => new DicomBuilder()
        .Explicit(0x0008, 0x0016, "UI", DicomBuilder.Text(CtImageStorage + "\0"))
        .Explicit(0x0008, 0x0018, "UI", DicomBuilder.Text(Sop + "\0"))
        .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^Jane"))
        .ToArray();

    // A meta group as a gateway might send it: another instance's UIDs, a foreign implementation, a Source AE Title.
    private static byte[] MismatchedFile()
    {
        var meta = new DicomBuilder()
            .Explicit(0x0002, 0x0001, "OB", [0, 1])
            .Explicit(0x0002, 0x0002, "UI", DicomBuilder.Text("1.2.840.10008.5.1.4.1.1.7\0"))
            .Explicit(0x0002, 0x0003, "UI", DicomBuilder.Text("1.2.3.4\0"))
            .Explicit(0x0002, 0x0010, "UI", DicomBuilder.Text("1.2.840.10008.1.2.1\0"))
            .Explicit(0x0002, 0x0012, "UI", DicomBuilder.Text("1.2.826.0.1.3680043.2.1143\0"))
            .Explicit(0x0002, 0x0013, "SH", DicomBuilder.Text("GDCM 2.8.4 "))
            .Explicit(0x0002, 0x0016, "AE", DicomBuilder.Text("CT_SCANNER_3 "))
            .ToArray();
        return new DicomBuilder().Raw(new byte[128]).Raw("DICM"u8)
            .Explicit(0x0002, 0x0000, "UL", DicomBuilder.UInt32((uint)meta.Length)).Raw(meta)
            .Raw(Dataset()).ToArray();
    }

    private static async Task<(byte[] Stored, DicomFile Reread)> CorrectAsync(byte[] sent)
    {
        var file = await DicomReader.ReadAsync(new MemoryStream(sent));
        byte[] header = DicomPart10Writer.CorrectedHeader(file.Meta, file.Dataset, file.TransferSyntax);
        byte[] stored = [.. header, .. sent.AsSpan((int)file.DatasetOffset)];
        return (stored, await DicomReader.ReadAsync(new MemoryStream(stored), new DicomReaderOptions { AllowMissingMeta = false }));
    }

    [Test]
    public async Task CorrectedHeader_MetaOfAnotherInstance_DataSetUidsOtherElementsKept()
    {
        var (stored, reread) = await CorrectAsync(MismatchedFile());

        var meta = reread.Meta;
        Assert.Multiple(() =>
        {
            Assert.That(meta.GetAsciiString(DicomTags.MediaStorageSOPClassUID), Is.EqualTo(CtImageStorage));
            Assert.That(meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID), Is.EqualTo(Sop));
            Assert.That(meta.GetAsciiString(DicomTags.TransferSyntaxUID), Is.EqualTo(TransferSyntax.ExplicitVRLittleEndian.Uid));
            Assert.That(meta.GetAsciiString(DicomTags.ImplementationClassUID), Is.EqualTo("1.2.826.0.1.3680043.2.1143"), "the sender's implementation is kept");
            Assert.That(meta.GetAsciiString(DicomTags.ImplementationVersionName), Is.EqualTo("GDCM 2.8.4"));
            Assert.That(meta.GetAsciiString(new DicomTag(0x00020016)), Is.EqualTo("CT_SCANNER_3"));
            Assert.That(stored.AsSpan(0, 128).ToArray(), Is.All.Zero);
            Assert.That(stored.AsSpan((int)reread.DatasetOffset).ToArray(), Is.EqualTo(Dataset()), "the data set is untouched");
        });
        AssertDcmdumpReadsCleanly(stored, Sop);
    }

    [Test]
    public async Task CorrectedHeader_SameInputTwice_SameBytes()
    {
        var (first, _) = await CorrectAsync(MismatchedFile());
        var (second, _) = await CorrectAsync(MismatchedFile());

        Assert.That(second, Is.EqualTo(first), "a retried upload must be recognised by its stored bytes");
    }

    [TestCase(false, "1.2.840.10008.1.2.1")]
    [TestCase(true, "1.2.840.10008.1.2")]
    public async Task CorrectedHeader_BareDataSet_MetaWrittenWithDetectedSyntaxAndThisImplementation(bool implicitVR, string syntax)
    {
        var dataset = implicitVR
            ? new DicomBuilder()
                .Implicit(0x0008, 0x0016, DicomBuilder.Text(CtImageStorage + "\0"))
                .Implicit(0x0008, 0x0018, DicomBuilder.Text(Sop + "\0"))
                .ToArray()
            : Dataset();

        var (stored, reread) = await CorrectAsync(dataset);

        Assert.Multiple(() =>
        {
            Assert.That(reread.TransferSyntax.Uid, Is.EqualTo(syntax));
            Assert.That(reread.Meta.Find(DicomTags.FileMetaInformationVersion)!.Value.ToArray(), Is.EqualTo(new byte[] { 0, 1 }));
            Assert.That(reread.Meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID), Is.EqualTo(Sop));
            Assert.That(reread.Meta.GetAsciiString(DicomTags.ImplementationClassUID), Is.EqualTo(DicomPart10Writer.ImplementationClassUid));
            Assert.That(reread.Meta.GetAsciiString(DicomTags.ImplementationVersionName), Is.EqualTo(DicomPart10Writer.ImplementationVersionName));
            Assert.That(stored.AsSpan((int)reread.DatasetOffset).ToArray(), Is.EqualTo(dataset));
        });
        AssertDcmdumpReadsCleanly(stored, Sop);
    }

    private static void AssertDcmdumpReadsCleanly(byte[] stored, string sop)
    {
        string path = Path.Combine(Path.GetTempPath(), $"dwa-header-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(path, stored);
        try
        {
            // +fo: read as a Part 10 file only, so a missing or broken meta group is an error, not a fallback.
            var (exitCode, stdout, stderr) = ExternalTool.Run("dcmdump", "+fo", path);
            Assert.That((exitCode, stderr), Is.EqualTo((0, "")), stdout);
            Assert.That(stdout, Does.Contain($"(0002,0003) UI [{sop}]").And.Contain($"(0008,0018) UI [{sop}]"));
            Assert.That(stdout, Does.Contain($"(0002,0000) UL {BitConverter.ToUInt32(stored, 140)} "));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
