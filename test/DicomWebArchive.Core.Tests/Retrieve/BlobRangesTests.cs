using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Retrieve;

public sealed class BlobRangesTests
{
    [Test]
    public async Task CopyAsync_SwapAcrossChunkBoundaries_EveryWordSwapped()
    {
        // 300 KB spans several copy chunks; the odd offset makes reads end mid-word.
        var blob = Enumerable.Range(0, 300_001).Select(i => (byte)(i * 7)).ToArray();
        using var output = new MemoryStream();

        await BlobRanges.CopyAsync(new MemoryStream(blob), 0, [new ByteRange(1, 300_000)], output, 2, CancellationToken.None);

        var expected = blob.AsSpan(1, 300_000).ToArray();
        for (int i = 0; i < expected.Length; i += 2)
        {
            (expected[i], expected[i + 1]) = (expected[i + 1], expected[i]);
        }
        Assert.That(output.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public async Task CopyAsync_SeveralRanges_Concatenated()
    {
        var blob = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        using var output = new MemoryStream();

        await BlobRanges.CopyAsync(new MemoryStream(blob), 0, [new ByteRange(10, 3), new ByteRange(50, 2)], output, 1, CancellationToken.None);

        Assert.That(output.ToArray(), Is.EqualTo(new byte[] { 10, 11, 12, 50, 51 }));
    }

    [Test]
    public void CopyAsync_RangePastEnd_EndOfStream()
    {
        Assert.ThrowsAsync<EndOfStreamException>(() =>
            BlobRanges.CopyAsync(new MemoryStream(new byte[10]), 0, [new ByteRange(5, 10)], Stream.Null, 1, CancellationToken.None));
    }

    [Test]
    public void Slice_AcrossRanges_SubRanges()
    {
        ByteRange[] ranges = [new(100, 10), new(200, 10), new(300, 10)];

        Assert.That(BlobRanges.Slice(ranges, 5, 20), Is.EqualTo(new[] { new ByteRange(105, 5), new ByteRange(200, 10), new ByteRange(300, 5) }));
    }
}
