using DicomWebArchive.Dicom.Tests.Support;

namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    private const string ImplicitLittleEndian = "1.2.840.10008.1.2";

    private static byte[] Text(string value) => SiemensImplicit.Text(value);

    /// <summary>Reads whole and one byte per read, in every Pixel Data mode; the two reads must agree. Gives the whole Scan read.</summary>
    private static async Task<DicomFile> ReadEveryWay(byte[] bytes)
    {
        DicomFile? scanned = null;
        foreach (var mode in new[] { PixelDataHandling.Stop, PixelDataHandling.Scan, PixelDataHandling.Load })
        {
            var options = new DicomReaderOptions { PixelData = mode };
            var whole = await DicomReader.ReadAsync(new MemoryStream(bytes), options);
            var trickled = await DicomReader.ReadAsync(new ChunkedStream(bytes), options);
            Assert.That(CanonicalDump.Of(trickled), Is.EqualTo(CanonicalDump.Of(whole)), mode.ToString());
            if (mode == PixelDataHandling.Scan)
            {
                scanned = whole;
            }
        }
        return scanned!;
    }

    /// <summary>Both a whole and a one-byte-per-read parse reject the input at the same offset; gives that offset.</summary>
    private static long RejectedEveryWay(byte[] bytes)
    {
        var whole = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes), Load));
        var trickled = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new ChunkedStream(bytes), Load));
        Assert.That(trickled!.Offset, Is.EqualTo(whole!.Offset));
        Assert.That(trickled.Message, Is.EqualTo(whole.Message));
        return whole.Offset;
    }

    private static DicomVR VROf(DicomDataset dataset, uint tag) => dataset.Find(new DicomTag(tag))!.VR;

    [Test]
    public async Task ReadAsync_SiemensImplicit_PrivateElementsTakeDictionaryVRs()
    {
        var dataset = (await ReadEveryWay(SiemensImplicit.Create())).Dataset;
        var expected = new Dictionary<uint, DicomVR>
        {
            [0x00090010] = DicomVR.LO, [0x00091026] = DicomVR.DA, [0x00091027] = DicomVR.TM,
            [0x0019100A] = DicomVR.US, [0x0019100C] = DicomVR.IS, [0x0019100E] = DicomVR.FD, [0x00191028] = DicomVR.FD,
            [0x00191142] = DicomVR.US, [0x00191250] = DicomVR.IS,
            [0x00211020] = DicomVR.DS, [0x00211104] = DicomVR.SL, [0x0021110C] = DicomVR.SS,
            [0x00291008] = DicomVR.CS, [0x00291009] = DicomVR.LO, [0x00291010] = DicomVR.OB,
            [0x00291140] = DicomVR.SQ, [0x00291170] = DicomVR.SQ, [0x00291171] = DicomVR.AT,
            [0x00430010] = DicomVR.LO, [0x00431001] = DicomVR.UN,
        };
        Assert.That(expected.ToDictionary(e => e.Key, e => VROf(dataset, e.Key)), Is.EqualTo(expected));
        Assert.That(dataset.Find(new DicomTag(0x00291010))!.Value.ToArray(), Is.EqualTo(SiemensImplicit.CsaHeader));
        foreach (var sequence in new[] { 0x00291140u, 0x00291170u })
        {
            var item = dataset.Find(new DicomTag(sequence))!.Items!.Single();
            Assert.That(VROf(item, 0x00291018), Is.EqualTo(DicomVR.CS), "the item's own reservation of block 10");
            Assert.That(VROf(item, 0x00291171), Is.EqualTo(DicomVR.UN), "block 11 of the enclosing data set does not reach into the item");
        }
    }

    [Test]
    public async Task ReadAsync_ImplicitEightBitPixelData_IsOW()
    {
        var file = await ReadEveryWay(SiemensImplicit.Create());
        Assert.That(VROf(file.Dataset, 0x7FE00010), Is.EqualTo(DicomVR.OW));
        Assert.That(file.PixelData!.VR, Is.EqualTo(DicomVR.OW));
        Assert.That(file.PixelData.Frames, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ReadAsync_ExplicitPrivateElements_KeepTheirWireVR()
    {
        var bytes = DicomBuilder.Part10()
            .Explicit(0x0029, 0x0010, "LO", Text("SIEMENS CSA HEADER"))
            .Explicit(0x0029, 0x1008, "UN", Text("IMAGE NUM 4"))
            .Explicit(0x0029, 0x1009, "SH", Text("20240311"))
            .ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        Assert.That(VROf(dataset, 0x00291008), Is.EqualTo(DicomVR.UN));
        Assert.That(VROf(dataset, 0x00291009), Is.EqualTo(DicomVR.SH));
    }

    [Test]
    public async Task ReadAsync_PrivateElementBeforeItsCreator_StaysUN()
    {
        var bytes = DicomBuilder.Part10(ImplicitLittleEndian)
            .Implicit(0x0029, 0x1008, Text("IMAGE NUM 4"))
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
            .Implicit(0x0029, 0x1009, Text("20240311"))
            .ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        Assert.That(VROf(dataset, 0x00291008), Is.EqualTo(DicomVR.UN));
        Assert.That(VROf(dataset, 0x00291009), Is.EqualTo(DicomVR.LO));
    }

    [Test]
    public async Task ReadAsync_CreatorPaddingAndCase_ComparedLikeDcmtk()
    {
        var bytes = DicomBuilder.Part10(ImplicitLittleEndian)
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER    "))
            .Implicit(0x0029, 0x0011, Text("SIEMENS CSA HEADER\0\0"))
            .Implicit(0x0029, 0x0012, Text(" SIEMENS CSA HEADER "))
            .Implicit(0x0029, 0x0013, Text("siemens csa header"))
            .Implicit(0x0029, 0x1008, Text("A"))
            .Implicit(0x0029, 0x1108, Text("B"))
            .Implicit(0x0029, 0x1208, Text("C"))
            .Implicit(0x0029, 0x1308, Text("D"))
            .ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        Assert.That(new[] { 0x00291008u, 0x00291108u, 0x00291208u, 0x00291308u }.Select(t => VROf(dataset, t)),
            Is.EqualTo(new[] { DicomVR.CS, DicomVR.CS, DicomVR.UN, DicomVR.UN }));
    }

    [Test]
    public async Task ReadAsync_EncapsulatedSyntaxOverImplicitDataSet_PixelDataOBPrivateTagsTyped()
    {
        // As pydicom's SC_rgb_jpeg.dcm: the meta group names JPEG Baseline (explicit VR), the data set has no VRs.
        var bytes = DicomBuilder.Part10("1.2.840.10008.1.2.4.50")
            .Implicit(0x0008, 0x0016, Text("1.2.840.10008.5.1.4.1.1.7\0"))
            .Implicit(0x0028, 0x0100, SiemensImplicit.UInt16s(8))
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
            .Implicit(0x0029, 0x1008, Text("IMAGE NUM 4"))
            .ImplicitHeader(0x7FE0, 0x0010, DicomBuilder.Undefined)
            .Item(0).Item(6).Raw([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).SequenceEnd()
            .ToArray();
        var file = await ReadEveryWay(bytes);
        Assert.That(file.TransferSyntax.IsEncapsulated, Is.True);
        Assert.That(VROf(file.Dataset, 0x00291008), Is.EqualTo(DicomVR.CS));
        var pixels = file.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(pixels.VR, Is.EqualTo(DicomVR.OB));
        Assert.That(pixels.Fragments, Has.Count.EqualTo(1));
        Assert.That(file.PixelData!.VR, Is.EqualTo(DicomVR.OB));
    }

    [Test]
    public async Task ReadAsync_CorpusJpegWithImplicitDataSet_PixelDataStaysOB()
    {
        var file = await ReadEveryWay(Corpus.Bytes("test_files/SC_rgb_jpeg.dcm"));
        Assert.That(file.PixelData!.IsEncapsulated, Is.True);
        Assert.That(file.PixelData.VR, Is.EqualTo(DicomVR.OB));
        Assert.That(file.Dataset.Find(DicomTags.PixelData)!.Fragments, Is.Not.Empty);
    }

    [Test]
    public async Task ReadAsync_PrivateNonSequenceWithUndefinedLength_ReadAsSequenceOfUN()
    {
        var bytes = DicomBuilder.Part10(ImplicitLittleEndian)
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
            .ImplicitHeader(0x0029, 0x1008, DicomBuilder.Undefined)
            .Item().Implicit(0x0010, 0x0010, Text("Doe^Jane")).ItemEnd().SequenceEnd()
            .Implicit(0x0029, 0x1009, Text("20240311"))
            .ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        var element = dataset.Find(new DicomTag(0x00291008))!;
        Assert.That(element.VR, Is.EqualTo(DicomVR.UN));
        Assert.That(element.Items!.Single().Find(DicomTags.PatientName)!.VR, Is.EqualTo(DicomVR.PN));
        Assert.That(VROf(dataset, 0x00291009), Is.EqualTo(DicomVR.LO));
    }
}
