namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    private static readonly DicomReaderOptions Scan = new() { PixelData = PixelDataHandling.Scan };
    private static readonly DicomReaderOptions Load = new() { PixelData = PixelDataHandling.Load };

    private static async Task<DicomFile> Read(byte[] bytes, DicomReaderOptions? options = null) =>
        await DicomReader.ReadAsync(new MemoryStream(bytes), options);

    [Test]
    public async Task ReadAsync_Part10File_ReadsMetaAndDataSet()
    {
        var bytes = Corpus.Bytes("test_files/CT_small.dcm");
        var file = await Read(bytes);
        Assert.That(file.HasPreamble, Is.True);
        Assert.That(file.TransferSyntax, Is.SameAs(TransferSyntax.ExplicitVRLittleEndian));
        var groupLength = file.Meta.Find(DicomTags.FileMetaInformationGroupLength)!;
        Assert.That(file.DatasetOffset, Is.EqualTo(groupLength.ValueOffset + 4 + BitConverter.ToUInt32(groupLength.Value.Span)));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.SOPInstanceUID), Is.EqualTo("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322"));
        var rows = file.Dataset.Find(DicomTags.Rows)!;
        Assert.That(bytes.AsSpan((int)rows.ValueOffset, 2).ToArray(), Is.EqualTo(rows.Value.ToArray()));
        Assert.That(file.Dataset.Select(e => e.Tag), Is.Ordered);
    }

    [TestCase(128)]
    [TestCase(132)]
    public async Task ReadAsync_WithoutPreamble_SameDataSetShifted(int cut)
    {
        var bytes = Corpus.Bytes("test_files/CT_small.dcm");
        var whole = await Read(bytes);
        var shortened = await Read(bytes[cut..]);
        Assert.That(shortened.HasPreamble, Is.False);
        Assert.That(shortened.Meta.Count, Is.EqualTo(whole.Meta.Count));
        Assert.That(shortened.DatasetOffset, Is.EqualTo(whole.DatasetOffset - cut));
        Assert.That(shortened.Dataset.Select(e => (e.Tag, e.ValueOffset + cut)), Is.EqualTo(whole.Dataset.Select(e => (e.Tag, e.ValueOffset))));
    }

    [TestCase("test_files/ExplVR_LitEndNoMeta.dcm", "1.2.840.10008.1.2.1")]
    [TestCase("test_files/ExplVR_BigEndNoMeta.dcm", "1.2.840.10008.1.2.2")]
    public async Task ReadAsync_BareDataSet_DetectsEncoding(string name, string syntax)
    {
        var file = await Read(Corpus.Bytes(name));
        Assert.That(file.TransferSyntax.Uid, Is.EqualTo(syntax));
        Assert.That(file.Meta, Is.Empty);
        Assert.That(file.DatasetOffset, Is.Zero);
        Assert.That(file.Dataset.GetAsciiString(DicomTags.SpecificCharacterSet), Is.EqualTo("ISO_IR 100"));
    }

    [Test]
    public async Task ReadAsync_BareImplicitDataSet_DetectsImplicitVR()
    {
        var part10 = await Read(Corpus.Bytes("test_files/MR_small_implicit.dcm"));
        var bare = await Read(Corpus.Bytes("test_files/MR_small_implicit.dcm")[(int)part10.DatasetOffset..]);
        Assert.That(bare.TransferSyntax, Is.SameAs(TransferSyntax.ImplicitVRLittleEndian));
        Assert.That(bare.Dataset.Select(e => (e.Tag, e.VR)), Is.EqualTo(part10.Dataset.Select(e => (e.Tag, e.VR))));
    }

    [Test]
    public async Task ReadAsync_MetaWithoutTransferSyntax_DetectsImplicitVR()
    {
        var file = await Read(Corpus.Bytes("test_files/meta_missing_tsyntax.dcm"));
        Assert.That(file.TransferSyntax, Is.SameAs(TransferSyntax.ImplicitVRLittleEndian));
        Assert.That(file.Dataset[0].Items![0][0].Items, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ReadAsync_Deflated_OffsetsInInflatedDataAndNoFrames()
    {
        var bytes = Corpus.Bytes("test_files/image_dfl.dcm");
        var file = await Read(bytes, Scan);
        Assert.That(file.TransferSyntax.IsDeflated, Is.True);
        Assert.That(file.BytesRead, Is.EqualTo(bytes.Length));
        Assert.That(file.Dataset[0].ValueOffset, Is.LessThan(16), "first value counts from the first inflated byte");
        Assert.That(file.PixelData!.Frames, Is.Empty);
        var loaded = await Read(bytes, Load);
        var pixels = loaded.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(pixels.IsValueLoaded, Is.True);
        Assert.That(pixels.Value.Length, Is.EqualTo(pixels.ValueLength).And.EqualTo(512 * 512));
    }

    [Test]
    public async Task ReadAsync_UNWithUndefinedLength_ReadAsImplicitSequence()
    {
        var file = await Read(Corpus.Bytes("test_files/UN_sequence.dcm"));
        var element = file.Dataset.Find(new DicomTag(0x4453100C))!;
        Assert.That(element.VR, Is.EqualTo(DicomVR.UN));
        Assert.That(element.Items, Has.Count.EqualTo(1));
        var nested = element.Items![0].Find(new DicomTag(0x00081115))!;
        Assert.That(nested.VR, Is.EqualTo(DicomVR.SQ));
        Assert.That(nested.Items![0].Parent, Is.SameAs(element.Items[0]));
        Assert.That(element.Items[0].Parent, Is.SameAs(file.Dataset));
    }

    [Test]
    public async Task ReadAsync_PublicSequenceSentAsUN_ReadAsImplicitSequence()
    {
        var item = new DicomBuilder().Implicit(0x0008, 0x1150, DicomBuilder.Text("1.2.3\0")).ToArray();
        var value = new DicomBuilder().Item((uint)item.Length).Raw(item).ToArray();
        var bytes = DicomBuilder.Part10().Explicit(0x0008, 0x1115, "UN", value).Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var file = await Read(bytes);
        var sequence = file.Dataset.Find(new DicomTag(0x00081115))!;
        Assert.That(sequence.VR, Is.EqualTo(DicomVR.UN));
        Assert.That(sequence.Items![0].GetAsciiString(DicomTags.ReferencedSOPClassUID), Is.EqualTo("1.2.3"));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public async Task ReadAsync_UNThatIsNoSequence_KeptAsBytes()
    {
        var bytes = DicomBuilder.Part10().Explicit(0x0008, 0x1115, "UN", [1, 2, 3, 4, 5, 6, 7, 8]).ToArray();
        var element = (await Read(bytes)).Dataset.Single();
        Assert.That(element.Items, Is.Null);
        Assert.That(element.Value.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
    }

    [Test]
    public async Task ReadAsync_TagsOutOfOrder_SortedStably()
    {
        var bytes = DicomBuilder.Part10()
            .Explicit(0x0010, 0x0020, "LO", DicomBuilder.Text("ID1 "))
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^A "))
            .Explicit(0x0008, 0x0060, "CS", DicomBuilder.Text("CT"))
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^B "))
            .ToArray();
        var file = await Read(bytes);
        Assert.That(file.Dataset.Select(e => e.Tag.Value), Is.EqualTo(new[] { 0x00080060u, 0x00100010u, 0x00100010u, 0x00100020u }));
        Assert.That(file.Dataset[1].ValueOffset, Is.LessThan(file.Dataset[2].ValueOffset), "equal tags keep their order");
        Assert.That(file.Dataset.GetAsciiString(DicomTags.Modality), Is.EqualTo("CT"));
    }

    [Test]
    public async Task ReadAsync_OddLengthsAndGroupLengths_KeptAsRead()
    {
        var bytes = DicomBuilder.Part10()
            .Explicit(0x0010, 0x0000, "UL", DicomBuilder.UInt32(999))
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J"))
            .Explicit(0x0010, 0x0020, "LO", DicomBuilder.Text("7"))
            .ToArray();
        var file = await Read(bytes);
        Assert.That(file.Dataset.Find(new DicomTag(0x00100000))!.Value.ToArray(), Is.EqualTo(DicomBuilder.UInt32(999)));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientID), Is.EqualTo("7"));
    }

    [Test]
    public async Task ReadAsync_ValueAboveInlineLimit_SkippedButLocated()
    {
        var big = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var bytes = DicomBuilder.Part10().Explicit(0x0009, 0x1010, "OB", big).Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var file = await DicomReader.ReadAsync(new ChunkedStream(bytes, 700), new DicomReaderOptions { MaxInlineValueLength = 4096 });
        var skipped = file.Dataset.Find(new DicomTag(0x00091010))!;
        Assert.That(skipped.IsValueLoaded, Is.False);
        Assert.That(skipped.Value.IsEmpty, Is.True);
        Assert.That(bytes.AsSpan((int)skipped.ValueOffset, (int)skipped.ValueLength).ToArray(), Is.EqualTo(big));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public async Task ReadAsync_ItemDelimiterInDefinedLengthItem_Ignored()
    {
        var bytes = DicomBuilder.Part10().ExplicitHeader(0x0008, 0x1115, "SQ", 8 + 14 + 8).Item(14 + 8)
            .Explicit(0x0008, 0x1150, "UI", DicomBuilder.Text("1.2.3\0")).ItemEnd()
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var file = await Read(bytes);
        Assert.That(file.Dataset[0].Items![0].GetAsciiString(DicomTags.ReferencedSOPClassUID), Is.EqualTo("1.2.3"));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public async Task ReadAsync_BigEndian_ValuesSwappedToLittleEndian()
    {
        byte[] dataset =
        [
            0x00, 0x08, 0x00, 0x60, (byte)'C', (byte)'S', 0x00, 0x02, (byte)'M', (byte)'R',
            0x00, 0x20, 0x91, 0x40, (byte)'A', (byte)'T', 0x00, 0x04, 0x00, 0x28, 0x00, 0x10,
            0x00, 0x28, 0x00, 0x10, (byte)'U', (byte)'S', 0x00, 0x02, 0x01, 0x02,
            0x00, 0x28, 0x01, 0x06, (byte)'U', (byte)'L', 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
            0x00, 0x29, 0x10, 0x10, (byte)'O', (byte)'W', 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
        ];
        var file = await Read(dataset);
        Assert.That(file.TransferSyntax, Is.SameAs(TransferSyntax.ExplicitVRBigEndian));
        Assert.That(file.Dataset.Find(new DicomTag(0x00209140))!.Value.ToArray(), Is.EqualTo(new byte[] { 0x28, 0x00, 0x10, 0x00 }));
        Assert.That(file.Dataset.Find(DicomTags.Rows)!.Value.ToArray(), Is.EqualTo(new byte[] { 0x02, 0x01 }));
        Assert.That(file.Dataset.Find(new DicomTag(0x00280106))!.Value.ToArray(), Is.EqualTo(new byte[] { 0x04, 0x03, 0x02, 0x01 }));
        Assert.That(file.Dataset.Find(new DicomTag(0x00291010))!.Value.ToArray(), Is.EqualTo(new byte[] { 0x02, 0x01, 0x04, 0x03 }));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.Modality), Is.EqualTo("MR"));
    }

    [Test]
    public async Task ReadAsync_UnknownTransferSyntax_ReadAsExplicitLittleEndian()
    {
        var file = await Read(DicomBuilder.Part10("1.2.3.999").Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray());
        Assert.That(file.TransferSyntax.IsKnown, Is.False);
        Assert.That(file.TransferSyntax.Uid, Is.EqualTo("1.2.3.999"));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public async Task ReadAsync_TrailingPadding_ReadInScanModeOnly()
    {
        var bytes = DicomBuilder.Part10()
            .Explicit(0x0028, 0x0010, "US", DicomBuilder.UInt16(2)).Explicit(0x0028, 0x0011, "US", DicomBuilder.UInt16(2))
            .Explicit(0x0028, 0x0100, "US", DicomBuilder.UInt16(8))
            .Explicit(0x7FE0, 0x0010, "OB", [1, 2, 3, 4]).Explicit(0xFFFC, 0xFFFC, "OB", new byte[8]).ToArray();
        var stopped = await Read(bytes);
        Assert.That(stopped.Dataset[^1].Tag, Is.EqualTo(DicomTags.PixelData));
        Assert.That(stopped.Dataset[^1].IsValueLoaded, Is.False);
        var scanned = await Read(bytes, Scan);
        Assert.That(scanned.Dataset[^1].Tag, Is.EqualTo(new DicomTag(0xFFFCFFFC)));
        Assert.That(scanned.PixelData!.Frames.Single(), Is.EqualTo(new[] { new ByteRange(bytes.Length - 24, 4) }));
        var loaded = await Read(bytes, Load);
        Assert.That(loaded.Dataset.Find(DicomTags.PixelData)!.Value.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    [Test]
    public async Task ReadAsync_SingleBitPixels_FramesCoverTheirBytes()
    {
        // 3 frames of 3×3 one-bit pixels: 9 bits each, 27 bits in 4 bytes.
        var bytes = Image(rows: 3, columns: 3, bits: 1, frames: 3).Explicit(0x7FE0, 0x0010, "OB", new byte[4]).ToArray();
        var file = await Read(bytes);
        long start = file.PixelData!.ValueOffset;
        Assert.That(file.PixelData.Frames.Select(f => f.Single()), Is.EqualTo(new[]
        {
            new ByteRange(start, 2), new ByteRange(start + 1, 2), new ByteRange(start + 2, 2),
        }));
    }

    [Test]
    public async Task ReadAsync_FloatPixelData_NativeFrames()
    {
        var bytes = Image(rows: 2, columns: 2, bits: 32, frames: 2).Explicit(0x7FE0, 0x0008, "OF", new byte[32]).ToArray();
        var file = await Read(bytes);
        Assert.That(file.PixelData!.Tag, Is.EqualTo(DicomTags.FloatPixelData));
        Assert.That(file.PixelData.Frames.Select(f => f.Single().Length), Is.EqualTo(new[] { 16L, 16L }));
    }

    [Test]
    public async Task ReadAsync_PixelDataShorterThanItsFrames_NoFrames()
    {
        var file = await Read(Image(rows: 4, columns: 4, bits: 8, frames: 2).Explicit(0x7FE0, 0x0010, "OB", new byte[30]).ToArray());
        Assert.That(file.PixelData!.Frames, Is.Empty);
    }

    internal static DicomBuilder Image(ushort rows, ushort columns, ushort bits, int frames, string syntax = "1.2.840.10008.1.2.1") =>
        DicomBuilder.Part10(syntax)
            .Explicit(0x0028, 0x0002, "US", DicomBuilder.UInt16(1))
            .Explicit(0x0028, 0x0008, "IS", DicomBuilder.Text(frames.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)))
            .Explicit(0x0028, 0x0010, "US", DicomBuilder.UInt16(rows))
            .Explicit(0x0028, 0x0011, "US", DicomBuilder.UInt16(columns))
            .Explicit(0x0028, 0x0100, "US", DicomBuilder.UInt16(bits));
}
