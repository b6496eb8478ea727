using System.Security.Cryptography;
using DicomWebArchive.Core.Store;

namespace DicomWebArchive.Core.Tests.Store;

public sealed class BlobTeeStreamTests
{
    private static byte[] Part10Like(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        "DICM"u8.CopyTo(bytes.AsSpan(128));
        return bytes;
    }

    [Test]
    public async Task ReadAsync_EveryChunkSize_ReaderSeesOriginalAndBlobHasZeroedPreamble([Values(1, 3, 131, 132, 133, 4096)] int chunk)
    {
        var original = Part10Like(10_000);
        var blob = new MemoryStream();
        using var tee = new BlobTeeStream(new MemoryStream(original), blob);

        var seen = new MemoryStream();
        var buffer = new byte[chunk];
        int count;
        while ((count = await tee.ReadAsync(buffer.AsMemory(0, chunk))) > 0)
        {
            seen.Write(buffer, 0, count);
        }
        var hash = await tee.CompleteAsync(CancellationToken.None);

        var expected = original.ToArray();
        expected.AsSpan(0, 128).Clear();
        Assert.That(seen.ToArray(), Is.EqualTo(original));
        Assert.That(blob.ToArray(), Is.EqualTo(expected));
        Assert.That(hash, Is.EqualTo(SHA256.HashData(expected)));
        Assert.That(tee.StoredLength, Is.EqualTo(original.Length));
        Assert.That(tee.PreambleZeroed, Is.True);
    }

    [Test]
    public async Task DrainAsync_AfterPartialRead_StoresEverything()
    {
        var original = Part10Like(50_000);
        var blob = new MemoryStream();
        using var tee = new BlobTeeStream(new MemoryStream(original), blob);

        await tee.ReadExactlyAsync(new byte[200]);
        await tee.DrainAsync(CancellationToken.None);
        await tee.CompleteAsync(CancellationToken.None);

        Assert.That(blob.ToArray().AsSpan(128).ToArray(), Is.EqualTo(original.AsSpan(128).ToArray()));
    }

    [TestCase(0)]
    [TestCase(10)]
    [TestCase(131)]
    public async Task CompleteAsync_ShortStream_StoredAsIs(int length)
    {
        var original = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        var blob = new MemoryStream();
        using var tee = new BlobTeeStream(new MemoryStream(original), blob);

        await tee.DrainAsync(CancellationToken.None);
        await tee.CompleteAsync(CancellationToken.None);

        Assert.That(blob.ToArray(), Is.EqualTo(original));
        Assert.That(tee.PreambleZeroed, Is.False);
    }

    [Test]
    public async Task CompleteAsync_NoDicmMarker_PreambleKept()
    {
        var original = Part10Like(1000);
        original[130] = (byte)'X';
        var blob = new MemoryStream();
        using var tee = new BlobTeeStream(new MemoryStream(original), blob);

        await tee.DrainAsync(CancellationToken.None);
        await tee.CompleteAsync(CancellationToken.None);

        Assert.That(blob.ToArray(), Is.EqualTo(original));
    }

    [Test]
    public async Task ReadAsync_BlobWriteFails_RestReadNotStoredAndCompleteThrows()
    {
        var original = Part10Like(1000);
        var source = new MemoryStream(original);
        using var tee = new BlobTeeStream(source, new MemoryStream(new byte[10], writable: false));

        await tee.DrainAsync(CancellationToken.None);

        Assert.That(tee.WriteFailure, Is.InstanceOf<BlobWriteException>());
        Assert.That((source.Position, tee.Position, tee.StoredLength), Is.EqualTo((1000L, 1000L, 0L)), "the part is read to its end, nothing is stored");
        Assert.That(async () => await tee.CompleteAsync(CancellationToken.None), Throws.InstanceOf<BlobWriteException>());
    }
}
