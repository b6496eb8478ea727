using System.Text;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Tests.Common;

public sealed class MultipartReaderTests
{
    private static IEnumerable<int> ChunkSizes => Enumerable.Range(1, 40);

    [TestCaseSource(nameof(ChunkSizes))]
    public async Task CopyFirstPart_InputInChunksOfAnySize_YieldsTheBodyExactly(int chunk)
    {
        byte[] body = [.. Enumerable.Range(0, 300).Select(i => (byte)i), .. "\r\n--bound"u8.ToArray(), 1, 2, 3];
        byte[] response = [.. "preamble\r\n--boundary\r\nContent-Type: application/dicom\r\n\r\n"u8.ToArray(), .. body,
            .. "\r\n--boundary\r\nContent-Type: application/dicom\r\n\r\nsecond\r\n--boundary--\r\n"u8.ToArray()];
        using var sink = new MemoryStream();

        await MultipartReader.CopyFirstPartAsync(new ChunkedStream(response, chunk), "boundary", sink, CancellationToken.None);

        Assert.That(sink.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task CopyFirstPart_PartWithoutHeaders_YieldsTheBody()
    {
        using var sink = new MemoryStream();

        await MultipartReader.CopyFirstPartAsync(new MemoryStream("--b\r\n\r\nDICM\r\n--b--"u8.ToArray()), "b", sink, CancellationToken.None);

        Assert.That(Encoding.ASCII.GetString(sink.ToArray()), Is.EqualTo("DICM"));
    }

    [Test]
    public void CopyFirstPart_ResponseCutShort_Throws()
    {
        var cut = new MemoryStream("--b\r\nContent-Type: application/dicom\r\n\r\nDIC"u8.ToArray());

        Assert.That(() => MultipartReader.CopyFirstPartAsync(cut, "b", Stream.Null, CancellationToken.None), Throws.InstanceOf<IOException>());
    }

    /// <summary>Hands out at most a fixed number of bytes per read, as a network stream may.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
