using System.Net;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>Deterministic pixel bytes that are cheap to regenerate, so huge instances need not be held in memory.</summary>
internal static class PixelPattern
{
    public static void Fill(Span<byte> destination, long position, int seed)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            long p = position + i;
            destination[i] = (byte)((p * 31) ^ (p >> 11) ^ seed);
        }
    }
}

/// <summary>A request body of a header followed by generated pixel bytes, written as it is sent (nothing buffered).</summary>
internal sealed class GeneratedInstanceContent(byte[] header, long pixelDataLength, int seed) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(header);
        var chunk = new byte[1 << 20];
        for (long written = 0; written < pixelDataLength;)
        {
            int count = (int)Math.Min(chunk.Length, pixelDataLength - written);
            PixelPattern.Fill(chunk.AsSpan(0, count), written, seed);
            await stream.WriteAsync(chunk.AsMemory(0, count));
            written += count;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = header.Length + pixelDataLength;
        return true;
    }
}
