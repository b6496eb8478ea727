using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Store;

public sealed class FrameTableTests
{
    [Test]
    public void Encode_ContiguousEqualFrames_UniformFormOf21Bytes()
    {
        var frames = Enumerable.Range(0, 1000).Select(i => new[] { new ByteRange(1000 + (i * 524288L), 524288) }).ToList();

        var bytes = FrameTable.Encode(frames);
        var table = FrameTable.Decode(bytes);

        Assert.That(bytes, Has.Length.EqualTo(21));
        Assert.That(table.Count, Is.EqualTo(1000));
        Assert.That(Enumerable.Range(0, 1000).Select(i => table[i]), Is.EqualTo(frames));
    }

    [Test]
    public void Decode_EncodedFragments_SameRanges()
    {
        ByteRange[][] frames =
        [
            [new ByteRange(2000, 10), new ByteRange(2018, 7)],
            [new ByteRange(2033, 4_000_000_000)],
            [],
        ];

        var table = FrameTable.Decode(FrameTable.Encode(frames));

        Assert.That(table.Count, Is.EqualTo(3));
        Assert.That(Enumerable.Range(0, 3).Select(i => table[i]), Is.EqualTo(frames));
    }

    [Test]
    public void Decode_TruncatedBytes_FormatException()
    {
        var bytes = FrameTable.Encode([[new ByteRange(1, 2), new ByteRange(5, 6)], [new ByteRange(9, 2)]]);

        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.That(() => FrameTable.Decode(bytes.AsSpan(0, length)), Throws.InstanceOf<FormatException>(), $"length {length}");
        }
    }

    [Test]
    public void Indexer_OutOfRange_Throws()
    {
        var table = FrameTable.Decode(FrameTable.Encode([[new ByteRange(0, 4)]]));

        Assert.That(() => table[1], Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
