using System.Buffers.Binary;
using System.Net;

namespace DicomWebArchive.Testing;

/// <summary>
/// Deterministic pixel bytes that are cheap to regenerate, so huge instances need not be held in memory: a seeded
/// random block of 1 MiB, with each chunk's first 8 bytes holding its position so no two chunks are equal.
/// </summary>
public static class PixelPattern
{
    public const int ChunkSize = 1 << 20;

    /// <summary>Fills the chunk starting at <paramref name="position"/> (a multiple of <see cref="ChunkSize"/>).</summary>
    public static void FillChunk(Span<byte> destination, long position, int seed)
    {
        if (destination.Length > ChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(destination));
        }
        Block(seed).AsSpan(0, destination.Length).CopyTo(destination);
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(stamp, position);
        stamp[..Math.Min(8, destination.Length)].CopyTo(destination);
    }

    public static void Fill(Span<byte> destination, int seed)
    {
        for (long position = 0; position < destination.Length; position += ChunkSize)
        {
            FillChunk(destination.Slice((int)position, (int)Math.Min(ChunkSize, destination.Length - position)), position, seed);
        }
    }

    [ThreadStatic]
    private static (int Seed, byte[] Bytes)? _block;

    private static byte[] Block(int seed)
    {
        if (_block is not { } cached || cached.Seed != seed)
        {
            var bytes = new byte[ChunkSize];
            new Random(seed).NextBytes(bytes);
            _block = (seed, bytes);
            return bytes;
        }
        return cached.Bytes;
    }
}

/// <summary>A request body of a header followed by generated pixel bytes, written as it is sent (nothing buffered).</summary>
public sealed class GeneratedInstanceContent(byte[] header, long pixelDataLength, int seed) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(header);
        var chunk = new byte[PixelPattern.ChunkSize];
        for (long written = 0; written < pixelDataLength;)
        {
            int count = (int)Math.Min(chunk.Length, pixelDataLength - written);
            PixelPattern.FillChunk(chunk.AsSpan(0, count), written, seed);
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
