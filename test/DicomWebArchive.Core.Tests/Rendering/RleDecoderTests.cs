using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class RleDecoderTests
{
    [TestCase("MR_small_RLE.dcm", 1)]
    [TestCase("SC_rgb_rle.dcm", 1)]
    [TestCase("SC_rgb_rle_2frame.dcm", 2)]
    [TestCase("SC_rgb_rle_16bit.dcm", 1)]
    [TestCase("SC_rgb_rle_16bit_2frame.dcm", 2)]
    [TestCase("SC_rgb_rle_32bit.dcm", 1)]
    [TestCase("SC_rgb_rle_32bit_2frame.dcm", 1)]
    [TestCase("rtdose_rle.dcm", 15)]
    [TestCase("rtdose_rle_1frame.dcm", 1)]
    public async Task Decode_CorpusFrame_EqualsPydicom(string file, int frame)
    {
        var (dicom, bytes) = await CorpusFrames.ReadFrameAsync(file, frame);
        var description = ImageDescription.FromDataset(dicom.Dataset);
        var output = new byte[description.Rows * description.Columns * description.SamplesPerPixel * (description.BitsAllocated / 8)];

        RleDecoder.Decode(bytes, description.Rows * description.Columns, description.SamplesPerPixel, description.BitsAllocated / 8, output);

        Assert.That(output, Is.EqualTo(CorpusFrames.Pydicom(file, frame)));
    }

    [Test]
    public void Decode_ReplicateLiteralAndNoOpRuns_LittleEndianInterleaved()
    {
        // Two segments (one 16-bit sample): high bytes as a replicate run of 4 x 0x01 around a no-op;
        // low bytes as a literal run 0x10 0x20 0x30 0x40.
        byte[] high = [0xFD, 0x01, 0x80];
        byte[] low = [0x03, 0x10, 0x20, 0x30, 0x40];
        var frame = Frame(high, low);
        var output = new byte[8];

        RleDecoder.Decode(frame, 4, 1, 2, output);

        Assert.That(output, Is.EqualTo(new byte[] { 0x10, 0x01, 0x20, 0x01, 0x30, 0x01, 0x40, 0x01 }));
    }

    [Test]
    public void Decode_RunPastImageEnd_ExcessDropped()
    {
        var frame = Frame([0xF9, 0x07]); // eight copies of 7 for a four-pixel image
        var output = new byte[4];

        RleDecoder.Decode(frame, 4, 1, 1, output);

        Assert.That(output, Is.EqualTo(new byte[] { 7, 7, 7, 7 }));
    }

    [Test]
    public void Decode_WrongSegmentCount_Throws()
    {
        var frame = Frame([0xFD, 0x01]);

        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Decode(frame, 4, 3, 1, new byte[12]));
        Assert.That(ex!.Message, Does.Contain("1 segments where the image needs 3"));
    }

    [Test]
    public void Decode_ShortSegment_Throws()
    {
        var frame = Frame([0x01, 0x05, 0x06]);

        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Decode(frame, 4, 1, 1, new byte[4]));
        Assert.That(ex!.Message, Does.Contain("decodes to 2 of 4"));
    }

    [Test]
    public void Decode_LiteralRunPastSegmentEnd_Throws()
    {
        var frame = Frame([0x05, 0x01]);

        Assert.Throws<RenderingException>(() => RleDecoder.Decode(frame, 4, 1, 1, new byte[4]));
    }

    [Test]
    public void Decode_OffsetOutsideFrame_Throws()
    {
        var frame = Frame([0xFD, 0x01]);
        BitConverter.TryWriteBytes(frame.AsSpan(4), 10_000);

        Assert.Throws<RenderingException>(() => RleDecoder.Decode(frame, 4, 1, 1, new byte[4]));
    }

    [Test]
    public void Decode_TruncatedHeader_Throws()
    {
        Assert.Throws<RenderingException>(() => RleDecoder.Decode(new byte[10], 4, 1, 1, new byte[4]));
    }

    [Test]
    public void Check_HeaderImageTooLargeForSegments_ThrowsNamingTheSegment()
    {
        var frame = Frame([0x81, 0x07], [0x81, 0x07], [0x81, 0x07]); // 128 pixels per segment at most

        Assert.DoesNotThrow(() => RleDecoder.Check(frame, 128, 3, 1));
        var ex = Assert.Throws<RenderingException>(() => RleDecoder.Check(frame, 129, 3, 1));
        Assert.That(ex!.Message, Does.Contain("segment 1 has 2 bytes, too few for 129 pixels"));
    }

    [Test]
    public void FrameDecoderDecode_RowsAndColumnsFarBeyondTheFrame_ThrowsWithoutAllocatingForThem()
    {
        // A 2.6 KB RLE image whose header was changed to 16385 x 3000 RGB of 32 bits: 590 MB of samples.
        var description = new ImageDescription
        {
            Rows = 16385,
            Columns = 3000,
            SamplesPerPixel = 3,
            BitsAllocated = 32,
            BitsStored = 32,
            HighBit = 31,
            IsSigned = false,
            PhotometricInterpretation = "RGB",
        };
        var frame = Frame([.. Enumerable.Range(0, 12).Select(_ => new byte[] { 0x81, 0x07 })]);
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<RenderingException>(() => FrameDecoder.Decode(DicomWebArchive.Dicom.TransferSyntax.RLELossless, description, frame));

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
    }

    private static byte[] Frame(params byte[][] segments)
    {
        var header = new byte[64];
        BitConverter.TryWriteBytes(header.AsSpan(0), segments.Length);
        int offset = 64;
        for (int i = 0; i < segments.Length; i++)
        {
            BitConverter.TryWriteBytes(header.AsSpan(4 + (i * 4)), offset);
            offset += segments[i].Length;
        }
        return [.. header, .. segments.SelectMany(s => s)];
    }
}
