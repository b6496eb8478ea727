using System.Buffers.Binary;

namespace DicomWebArchive.Core.Rendering;

/// <summary>One channel of a palette color lookup table, widened to 8-bit output levels.</summary>
public sealed class PaletteLut
{
    // Indirect segments may copy segments holding indirect segments; deeper than this is a loop, not a palette,
    // and more segments than this (empty ones repeated through indirection) are work without output.
    private const int MaxIndirection = 8;
    private const int MaxSegments = 1 << 20;

    private readonly byte[] _levels;

    private PaletteLut(byte[] levels, int firstMapped)
    {
        _levels = levels;
        FirstMapped = firstMapped;
    }

    public int FirstMapped { get; }

    public int Count => _levels.Length;

    public byte this[int storedValue] => _levels[Math.Clamp(storedValue - FirstMapped, 0, _levels.Length - 1)];

    internal static PaletteLut Create(int entries, int firstMapped, int bits, ReadOnlySpan<byte> data)
    {
        var levels = new byte[entries];
        // 16-bit entries are the norm; 8-bit ones are allowed in OW data, one entry per byte.
        bool wide = bits > 8 && data.Length >= entries * 2;
        if (!wide && data.Length < entries)
        {
            throw LookupTable.Invalid($"The Palette Color Lookup Table Descriptor declares {entries} entries of {bits} bits; its data holds {data.Length} bytes.");
        }
        for (int i = 0; i < entries; i++)
        {
            levels[i] = wide ? (byte)(BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]) >> 8) : data[i];
        }
        return new PaletteLut(levels, firstMapped);
    }

    /// <summary>
    /// Expands Segmented Palette Color Lookup Table Data (PS3.3 C.7.9.2): discrete, linear and indirect segments of
    /// 16-bit words, or of bytes when entries have 8 bits. An indirect segment's offset counts words (or bytes).
    /// </summary>
    internal static PaletteLut CreateSegmented(int entries, int firstMapped, int bits, ReadOnlySpan<byte> data)
    {
        var words = new int[bits > 8 ? data.Length / 2 : data.Length];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = bits > 8 ? BinaryPrimitives.ReadUInt16LittleEndian(data[(i * 2)..]) : data[i];
        }
        var values = new List<int>(entries);
        int budget = MaxSegments;
        Expand(words, 0, int.MaxValue, bits > 8, values, entries, 0, ref budget);
        if (values.Count == 0)
        {
            throw LookupTable.Invalid("The Segmented Palette Color Lookup Table Data holds no segment.");
        }
        // Entries missing at the end repeat the last one, as values past the table do.
        var levels = new byte[values.Count];
        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = (byte)(bits > 8 ? values[i] >> 8 : values[i]);
        }
        return new PaletteLut(levels, firstMapped);
    }

    private static void Expand(int[] data, int offset, int segments, bool wide, List<int> output, int entries, int depth, ref int budget)
    {
        // The last word may be a padding null.
        for (int read = 0; read < segments && offset + 1 < data.Length; read++)
        {
            if (--budget < 0)
            {
                throw LookupTable.Invalid($"The Segmented Palette Color Lookup Table Data expands to more than {MaxSegments} segments.");
            }
            int opcode = data[offset], length = data[offset + 1];
            offset += 2;
            if (opcode is 0 or 1 && output.Count + (long)length > entries)
            {
                throw LookupTable.Invalid($"The Segmented Palette Color Lookup Table Data expands past the {entries} entries of its descriptor.");
            }
            switch (opcode)
            {
                case 0:
                    if (offset + length > data.Length)
                    {
                        throw LookupTable.Invalid($"A discrete segment of {length} entries runs past the Segmented Palette Color Lookup Table Data.");
                    }
                    output.AddRange(data.AsSpan(offset, length));
                    offset += length;
                    break;
                case 1:
                    if (output.Count == 0 || offset >= data.Length)
                    {
                        throw LookupTable.Invalid("A linear segment of the Segmented Palette Color Lookup Table Data has no start or no end value.");
                    }
                    int y0 = output[^1], y1 = data[offset++];
                    for (int x = 1; x <= length; x++)
                    {
                        output.Add((int)Math.Round(y0 + ((y1 - y0) * (double)x / length)));
                    }
                    break;
                case 2:
                    int offsetWords = wide ? 2 : 4;
                    if (output.Count == 0 || depth >= MaxIndirection || offset + offsetWords > data.Length)
                    {
                        throw LookupTable.Invalid("An indirect segment of the Segmented Palette Color Lookup Table Data comes first, nests too deep or is cut short.");
                    }
                    // Least significant word (or byte) first; data values are 0 to 65535, never negative.
                    long target = wide
                        ? (uint)data[offset] | ((uint)data[offset + 1] << 16)
                        : (uint)data[offset] | ((uint)data[offset + 1] << 8) | ((uint)data[offset + 2] << 16) | ((uint)data[offset + 3] << 24);
                    offset += offsetWords;
                    if (target >= data.Length)
                    {
                        throw LookupTable.Invalid($"An indirect segment of the Segmented Palette Color Lookup Table Data points past its end ({target}).");
                    }
                    Expand(data, (int)target, length, wide, output, entries, depth + 1, ref budget);
                    break;
                default:
                    throw LookupTable.Invalid($"The Segmented Palette Color Lookup Table Data has a segment of unknown type {opcode}.");
            }
        }
    }
}
