using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class PaletteLutTests
{
    private static byte[] Words(params int[] values) => [.. values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8) })];

    [Test]
    public void CreateSegmented_DiscreteLinearIndirect_Expanded()
    {
        // Discrete 0x0000, 0x1000; linear up to 0x5000 in 4; indirect: both again from word 0, the linear now starting at 0x1000.
        var lut = PaletteLut.CreateSegmented(12, 0, 16, Words(0, 2, 0x0000, 0x1000, 1, 4, 0x5000, 2, 2, 0, 0));

        Assert.That(Enumerable.Range(0, lut.Count).Select(i => lut[i]), Is.EqualTo(new byte[] { 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50 }));
    }

    [Test]
    public void CreateSegmented_EightBitEntries_OneEntryPerByte()
    {
        var lut = PaletteLut.CreateSegmented(4, 0, 8, [0, 1, 10, 1, 3, 40, 0]);

        Assert.That(Enumerable.Range(0, lut.Count).Select(i => lut[i]), Is.EqualTo(new byte[] { 10, 20, 30, 40 }));
    }

    [TestCase(new[] { 0, 1, 0, 7, 2, 0 }, "unknown type 7")]
    [TestCase(new[] { 0, 200, 1, 2, 3 }, "runs past")]
    [TestCase(new[] { 1, 4, 100 }, "no start")]
    [TestCase(new[] { 2, 1, 0, 0 }, "comes first")]
    [TestCase(new[] { 0, 1, 0, 2, 1, 3, 0 }, "nests too deep")]
    [TestCase(new[] { 0, 1, 0, 2, 1, 9999, 0 }, "points past")]
    [TestCase(new[] { 0, 1, 0, 1, 300, 5 }, "expands past")]
    [TestCase(new int[0], "no segment")]
    public void CreateSegmented_Broken_NotRenderable(int[] words, string reason)
    {
        var ex = Assert.Throws<RenderingException>(() => PaletteLut.CreateSegmented(256, 0, 16, Words(words)));

        Assert.That(ex!.Reason, Is.EqualTo(RenderingFailure.NotRenderable));
        Assert.That(ex.Message, Does.Contain(reason));
    }

    [Test]
    public void CreateSegmented_EmptySegmentsMultipliedByIndirection_StopsEarly()
    {
        // Three levels of 1000 indirect segments over 1000 empty ones: 10^9 segments without an entry.
        var words = new List<int> { 0, 1, 7, 2, 1000, 7, 0 };
        int level2 = 7 + 4000, level3 = level2 + 4000;
        words.AddRange(Enumerable.Repeat(new[] { 2, 1000, level2, 0 }, 1000).SelectMany(w => w));
        words.AddRange(Enumerable.Repeat(new[] { 2, 1000, level3, 0 }, 1000).SelectMany(w => w));
        words.AddRange(Enumerable.Repeat(new[] { 0, 0 }, 1000).SelectMany(w => w));

        var ex = Assert.Throws<RenderingException>(() => PaletteLut.CreateSegmented(256, 0, 16, Words([.. words])));

        Assert.That(ex!.Message, Does.Contain("segments"));
    }

    [Test]
    public void Create_DataShorterThanDescriptor_NotRenderable()
    {
        var ex = Assert.Throws<RenderingException>(() => PaletteLut.Create(256, 0, 16, Words(1, 2, 3)));

        Assert.That(ex!.Message, Does.Contain("declares 256 entries"));
    }
}
