namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    private const string JpegBaseline = "1.2.840.10008.1.2.4.50";
    // Three frames of two fragments each; fragment payloads are 6 and 4 bytes, first one opening a JPEG stream.
    private static readonly byte[][] Fragments =
    [
        [0xFF, 0xD8, 0xFF, 0xE0, 1, 1], [2, 2, 2, 2],
        [0xFF, 0xD8, 0xFF, 0xE0, 3, 3], [4, 4, 4, 4],
        [0xFF, 0xD8, 0xFF, 0xE0, 5, 5], [6, 6, 6, 6],
    ];

    private static byte[] Encapsulated(byte[] basicOffsetTable, Action<DicomBuilder>? beforePixels = null)
    {
        var builder = DicomReaderTests.Image(rows: 8, columns: 8, bits: 8, frames: 3, syntax: JpegBaseline);
        beforePixels?.Invoke(builder);
        builder.ExplicitHeader(0x7FE0, 0x0010, "OB", DicomBuilder.Undefined).Item((uint)basicOffsetTable.Length).Raw(basicOffsetTable);
        foreach (var fragment in Fragments)
        {
            builder.Item((uint)fragment.Length).Raw(fragment);
        }
        return builder.SequenceEnd().Explicit(0xFFFC, 0xFFFC, "OB", new byte[2]).ToArray();
    }

    private static byte[] FrameBytes(byte[] file, ByteRange[] frame) =>
        frame.SelectMany(range => file.AsSpan((int)range.Offset, (int)range.Length).ToArray()).ToArray();

    private static byte[] Expected(int frame) => Fragments[frame * 2].Concat(Fragments[frame * 2 + 1]).ToArray();

    [Test]
    public async Task ReadAsync_BasicOffsetTable_FramesFollowIt()
    {
        // Item tag to item tag: 8 + 6 + 8 + 4 = 26 bytes per frame.
        var table = new[] { 0u, 26u, 52u }.SelectMany(DicomBuilder.UInt32).ToArray();
        var bytes = Encapsulated(table);
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes), Scan);
        var pixels = file.PixelData!;
        Assert.That(pixels.IsEncapsulated, Is.True);
        Assert.That(pixels.ValueLength, Is.EqualTo(-1));
        Assert.That(pixels.Frames, Has.Count.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(pixels.Frames[i], Has.Length.EqualTo(2));
            Assert.That(FrameBytes(bytes, pixels.Frames[i]), Is.EqualTo(Expected(i)));
        }
        var element = file.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(element.Fragments, Has.Count.EqualTo(6));
        Assert.That(element.ValueLength, Is.EqualTo(8 + 12 + 6 * 8 + 30 + 8));
        Assert.That(file.Dataset[^1].Tag, Is.EqualTo(new DicomTag(0xFFFCFFFC)));
    }

    [Test]
    public async Task ReadAsync_ExtendedOffsetTable_FramesFollowIt()
    {
        var offsets = new ulong[] { 0, 26, 52 }.SelectMany(BitConverter.GetBytes).ToArray();
        var lengths = new ulong[] { 10, 10, 10 }.SelectMany(BitConverter.GetBytes).ToArray();
        var bytes = Encapsulated([], b => b.Explicit(0x7FE0, 0x0001, "OV", offsets).Explicit(0x7FE0, 0x0002, "OV", lengths));
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes), Scan);
        Assert.That(file.PixelData!.Frames.Select(f => FrameBytes(bytes, f)), Is.EqualTo(Enumerable.Range(0, 3).Select(Expected)));
    }

    [Test]
    public async Task ReadAsync_NoOffsetTable_FramesSplitAtJpegStarts()
    {
        var bytes = Encapsulated([]);
        var file = await DicomReader.ReadAsync(new ChunkedStream(bytes, 3), Scan);
        Assert.That(file.PixelData!.Frames.Select(f => FrameBytes(bytes, f)), Is.EqualTo(Enumerable.Range(0, 3).Select(Expected)));
    }

    [Test]
    public async Task ReadAsync_OffsetTableOffTheItems_NoFramesRatherThanWrongOnes()
    {
        var table = new[] { 0u, 25u, 52u }.SelectMany(DicomBuilder.UInt32).ToArray();
        var bytes = Encapsulated(table);
        bytes.AsSpan().Replace((byte)0xD8, (byte)0x00); // no JPEG starts to fall back on
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes), Scan);
        Assert.That(file.PixelData!.Frames, Is.Empty);
    }

    [Test]
    public async Task ReadAsync_StopMode_EncapsulatedLocatedButNotRead()
    {
        var bytes = Encapsulated([]);
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes));
        var pixels = file.PixelData!;
        Assert.That(pixels.IsEncapsulated, Is.True);
        Assert.That(pixels.Frames, Is.Empty);
        Assert.That(bytes.AsSpan((int)pixels.ValueOffset, 4).ToArray(), Is.EqualTo(new byte[] { 0xFE, 0xFF, 0x00, 0xE0 }));
        Assert.That(file.Dataset[^1].ValueLength, Is.EqualTo(-1));
        Assert.That(file.Dataset[^1].Fragments, Is.Null);
    }

    [Test]
    public async Task ReadAsync_LoadMode_ValueIsTheWholeItemSequence()
    {
        var bytes = Encapsulated([]);
        var file = await DicomReader.ReadAsync(new ChunkedStream(bytes, 5), new DicomReaderOptions { PixelData = PixelDataHandling.Load });
        var element = file.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(element.IsValueLoaded, Is.True);
        Assert.That(element.Value.ToArray(), Is.EqualTo(bytes.AsSpan((int)element.ValueOffset, (int)element.ValueLength).ToArray()));
        Assert.That(file.PixelData!.Frames, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task ReadAsync_LoadModeAboveInlineLimit_FragmentsOnly()
    {
        var bytes = Encapsulated([]);
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Load, MaxInlineValueLength = 40 });
        var element = file.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(element.IsValueLoaded, Is.False);
        Assert.That(element.Fragments, Has.Count.EqualTo(6));
    }
}
