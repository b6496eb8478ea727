using System.Security.Cryptography;
using System.Text.Json;

namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    [Test]
    public async Task ReadAsync_EveryCorpusImage_FrameRangesHoldThePydicomFrames()
    {
        var candidates = new List<string>();
        foreach (var name in Corpus.ValidFiles())
        {
            await using var stream = File.OpenRead(Corpus.PathOf(name));
            var file = await DicomReader.ReadAsync(stream);
            if (file.PixelData is not null && !file.TransferSyntax.IsDeflated && file.Meta.Count > 0)
            {
                candidates.Add(Corpus.PathOf(name));
            }
        }
        using var oracle = PydicomScript.Run("frames", candidates);

        int multiFrame = 0, encapsulatedMultiFrame = 0;
        foreach (var path in candidates)
        {
            var expected = oracle.RootElement.GetProperty(path);
            var bytes = await File.ReadAllBytesAsync(path);
            var file = await DicomReader.ReadAsync(new MemoryStream(bytes), Scan);
            var frames = file.PixelData!.Frames;
            if (expected.TryGetProperty("error", out var error))
            {
                // pydicom cannot make frames either (no Rows, Number of Frames "1A"...): neither may we guess.
                Assert.That(frames, Is.Empty, $"{path}: pydicom says {error}");
                continue;
            }
            var hashes = expected.GetProperty("frames").EnumerateArray().Select(h => h.GetString()).ToList();
            Assert.That(frames, Has.Count.EqualTo(hashes.Count), path);
            for (int i = 0; i < frames.Count; i++)
            {
                var frame = frames[i].SelectMany(range => bytes.AsSpan((int)range.Offset, (int)range.Length).ToArray()).ToArray();
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(frame)), Is.EqualTo(hashes[i]), $"{path} frame {i}");
            }
            if (hashes.Count > 1)
            {
                multiFrame++;
                encapsulatedMultiFrame += file.PixelData.IsEncapsulated ? 1 : 0;
            }
        }
        Assert.That(multiFrame, Is.GreaterThanOrEqualTo(6), "multi-frame files compared");
        Assert.That(encapsulatedMultiFrame, Is.GreaterThanOrEqualTo(4), "encapsulated multi-frame files compared");
    }
}
