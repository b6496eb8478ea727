using System.Buffers.Binary;
using System.Text.Json.Nodes;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Writing;

/// <summary>Files written here are read back by dcmtk (dcm2json, dcmdump): an independent reader checks every byte.</summary>
public sealed class DicomPart10WriterTests
{
    private static readonly DicomJsonOptions InlineEverything = new() { BulkDataThreshold = long.MaxValue };

    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("dwa-writer-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private static IEnumerable<TestCaseData> Syntaxes()
    {
        yield return new TestCaseData(TransferSyntax.ExplicitVRLittleEndian, false).SetArgDisplayNames("explicit");
        yield return new TestCaseData(TransferSyntax.ExplicitVRLittleEndian, true).SetArgDisplayNames("explicit-defined-lengths");
        yield return new TestCaseData(TransferSyntax.ImplicitVRLittleEndian, false).SetArgDisplayNames("implicit");
        yield return new TestCaseData(TransferSyntax.ImplicitVRLittleEndian, true).SetArgDisplayNames("implicit-defined-lengths");
        yield return new TestCaseData(TransferSyntax.DeflatedExplicitVRLittleEndian, false).SetArgDisplayNames("deflated");
    }

    [TestCaseSource(nameof(Syntaxes))]
    public void Write_SyntheticCt_Dcm2jsonReadsTheSameAttributes(TransferSyntax syntax, bool definedLengths)
    {
        var dataset = SyntheticCt.Create();
        var path = WriteFile(dataset, syntax, new DicomPart10WriterOptions { DefinedLengthSequences = definedLengths });
        AssertDcm2jsonEquals(path, dataset, syntax.IsExplicitVR);
    }

    [TestCaseSource(nameof(Syntaxes))]
    public async Task WriteAsync_SyntheticCt_SameBytesAsWrite(TransferSyntax syntax, bool definedLengths)
    {
        var dataset = SyntheticCt.Create();
        var options = new DicomPart10WriterOptions { DefinedLengthSequences = definedLengths };
        using var sync = new MemoryStream();
        DicomPart10Writer.Write(sync, dataset, syntax, options);
        using var async = new MemoryStream();
        await DicomPart10Writer.WriteAsync(async, dataset, syntax, options);
        Assert.That(async.ToArray(), Is.EqualTo(sync.ToArray()));
    }

    [Test]
    public void Write_OddLengthValuesAndUnSequence_DcmtkReadsThemWithoutWarnings()
    {
        var dataset = new DicomDatasetBuilder()
            .AddBytes(new(0x00080016), DicomVR.UI, "1.2.3"u8.ToArray())
            .AddBytes(new(0x00080018), DicomVR.UI, "1.2.3.4.5"u8.ToArray())
            .AddBytes(new(0x00100010), DicomVR.PN, "Doe^J"u8.ToArray())
            .AddString(new(0x00290010), DicomVR.LO, "ACME")
            .AddBytes(new(0x00291001), DicomVR.OB, [1, 2, 3])
            .AddSequence(new(0x00291002), DicomVR.UN, new DicomDatasetBuilder().AddBytes(new(0x00291003), DicomVR.UN, "ABCD"u8.ToArray()))
            .Build();
        var path = WriteFile(dataset, TransferSyntax.ExplicitVRLittleEndian);
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcmdump", "-q", path);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, stderr);
            Assert.That(stderr, Is.Empty);
            Assert.That(stdout, Does.Match(@"\(0010,0010\) PN \[Doe\^J\] +# +6, 1 PatientName"));
            Assert.That(stdout, Does.Contain("(0029,1001) OB 01\\02\\03\\00"));
            Assert.That(new FileInfo(path).Length % 2, Is.Zero);
        });
    }

    [Test]
    public void Write_MetaGroup_HasCorrectGroupLengthAndIdentifiers()
    {
        var path = WriteFile(SyntheticCt.Create(), TransferSyntax.ExplicitVRLittleEndian, new DicomPart10WriterOptions { SourceApplicationEntityTitle = "DWA" });
        var bytes = File.ReadAllBytes(path);
        uint groupLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140));
        int end = 144;
        while (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end)) == 0x0002)
        {
            bool longLength = bytes[end + 4] == 'O' && bytes[end + 5] == 'B';
            end += longLength ? 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 8)) : 8 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 6));
        }
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", "+m", path);
        Assert.That(exitCode, Is.Zero, stderr);
        var meta = JsonNode.Parse(stdout)!;
        Assert.Multiple(() =>
        {
            Assert.That(bytes.AsSpan(0, 128).ToArray(), Is.All.Zero);
            Assert.That(groupLength, Is.EqualTo(end - 144));
            Assert.That(meta["00020001"]!["InlineBinary"]!.GetValue<string>(), Is.EqualTo("AAE="));
            Assert.That(meta["00020002"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo("1.2.840.10008.5.1.4.1.1.2"));
            Assert.That(meta["00020003"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo(SyntheticCt.StudyUid + ".1.1"));
            Assert.That(meta["00020010"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo(TransferSyntax.ExplicitVRLittleEndian.Uid));
            Assert.That(meta["00020012"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo(DicomPart10Writer.ImplementationClassUid));
            Assert.That(meta["00020013"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo(DicomPart10Writer.ImplementationVersionName));
            Assert.That(meta["00020016"]!["Value"]![0]!.GetValue<string>(), Is.EqualTo("DWA"));
        });
    }

    [Test]
    public void Write_UnloadedValue_IsCopiedFromOpenValue()
    {
        var source = new byte[70_002];
        new Random(7).NextBytes(source);
        var full = SyntheticCt.Create();
        var elements = full.Where(e => e.Tag != DicomTags.PixelData).ToList();
        elements.Add(new DicomElement(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, 1, source.Length - 1) { IsValueLoaded = false });
        var options = new DicomPart10WriterOptions { OpenValue = e => new MemoryStream(source, (int)e.ValueOffset, (int)e.ValueLength) };
        var path = WriteFile(new DicomDataset([.. elements]), TransferSyntax.ExplicitVRLittleEndian, options);
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", path);
        Assert.That(exitCode, Is.Zero, stderr);
        var pixelData = Convert.FromBase64String(JsonNode.Parse(stdout)!["7FE00010"]!["InlineBinary"]!.GetValue<string>());
        Assert.That(pixelData, Is.EqualTo(source.AsSpan(1).ToArray().Append((byte)0).ToArray()));
    }

    [Test]
    public void Write_UnloadedValueWithoutOpenValue_Throws()
    {
        var element = new DicomElement(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, 0, 10) { IsValueLoaded = false };
        Assert.That(() => DicomPart10Writer.Write(Stream.Null, new DicomDataset([element]), TransferSyntax.ExplicitVRLittleEndian),
            Throws.InvalidOperationException);
    }

    [Test]
    public void Write_NativePixelDataAsEncapsulatedSyntax_Throws()
    {
        var jpegBaseline = TransferSyntax.Lookup("1.2.840.10008.1.2.4.50");
        Assert.That(() => DicomPart10Writer.Write(Stream.Null, SyntheticCt.Create(), jpegBaseline), Throws.InvalidOperationException.With.Message.Contains("native"));
    }

    [Test]
    public void Write_BigEndian_IsNotSupported() =>
        Assert.That(() => DicomPart10Writer.Write(Stream.Null, DicomDataset.Empty, TransferSyntax.ExplicitVRBigEndian), Throws.TypeOf<NotSupportedException>());

    private string WriteFile(DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions? options = null)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".dcm");
        using (var stream = File.Create(path))
        {
            DicomPart10Writer.Write(stream, dataset, syntax, options);
        }
        return path;
    }

    private static void AssertDcm2jsonEquals(string path, DicomDataset dataset, bool explicitVR)
    {
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", path);
        Assert.That(exitCode, Is.Zero, stderr);
        var theirs = JsonNode.Parse(stdout);
        var ours = JsonNode.Parse(DicomJsonWriter.Serialize(dataset, InlineEverything));
        // dcm2json converts text to UTF-8 and says so in (0008,0005).
        JsonComparison.RemoveEverywhere(theirs, "00080005");
        JsonComparison.RemoveEverywhere(ours, "00080005");
        if (!explicitVR)
        {
            // Implicit VR carries no VR: dcmtk reads private elements as UN and "US or SS" attributes as US.
            foreach (var key in new[] { "00091001", "00091002", "00280106", "00280107" })
            {
                JsonComparison.RemoveEverywhere(theirs, key);
                JsonComparison.RemoveEverywhere(ours, key);
            }
        }
        Assert.That(JsonComparison.Differences(theirs, ours), Is.Empty);
    }
}
