using System.Buffers.Binary;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// A Modality or VOI LUT (PS3.3 C.11.1, C.11.2): input values from <see cref="FirstMapped"/> on map to successive
/// entries; inputs below map to the first entry, inputs beyond to the last.
/// </summary>
public sealed class LookupTable
{
    private static readonly DicomTag LUTDescriptor = new(0x00283002);
    private static readonly DicomTag LUTData = new(0x00283006);

    private readonly ushort[] _entries;

    private LookupTable(ushort[] entries, int firstMapped, int bits)
    {
        _entries = entries;
        FirstMapped = firstMapped;
        Bits = bits;
    }

    public int FirstMapped { get; }

    /// <summary>Entries range over 0 to 2^Bits - 1.</summary>
    public int Bits { get; }

    public int Count => _entries.Length;

    public ushort this[long input] => _entries[(int)Math.Clamp(input - FirstMapped, 0, _entries.Length - 1)];

    /// <summary>Reads the table of a Modality or VOI LUT Sequence item; <paramref name="name"/> names it in errors.</summary>
    internal static LookupTable Read(DicomDataset item, bool signed, string name)
    {
        var (entries, firstMapped, bits) = ReadDescriptor(item.Find(LUTDescriptor), signed, name);
        if (bits is < 1 or > 16)
        {
            throw Invalid($"The {name} declares {bits} bits per entry; 1 to 16 are allowed.");
        }
        var data = item.Find(LUTData);
        var span = data is { IsValueLoaded: true } ? data.Value.Span : default;
        var values = new ushort[entries];
        ushort max = (ushort)((1 << bits) - 1);
        // One entry per 16-bit word, the usual encoding (US, SS or OW); 8-bit entries may also come one per byte.
        if (span.Length >= entries * 2)
        {
            for (int i = 0; i < entries; i++)
            {
                values[i] = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(span[(i * 2)..]), max);
            }
        }
        else if (bits <= 8 && span.Length >= entries)
        {
            for (int i = 0; i < entries; i++)
            {
                values[i] = Math.Min(span[i], max);
            }
        }
        else
        {
            throw Invalid($"The {name} Descriptor declares {entries} entries of {bits} bits; its LUT Data holds {span.Length} bytes.");
        }
        return new LookupTable(values, firstMapped, bits);
    }

    /// <summary>Entries (0 meaning 65536), first mapped value (signed when the data say so), bits per entry.</summary>
    internal static (int Entries, int FirstMapped, int Bits) ReadDescriptor(DicomElement? descriptor, bool signed, string name)
    {
        if (descriptor is not { IsValueLoaded: true, Value.Length: >= 6 })
        {
            throw Invalid($"The {name} has no LUT Descriptor of three values.");
        }
        var span = descriptor.Value.Span;
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(span);
        ushort first = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
        return (entries == 0 ? 65536 : entries, signed || descriptor.VR == DicomVR.SS ? (short)first : first, bits);
    }

    internal static RenderingException Invalid(string message) => new(RenderingFailure.NotRenderable, message);
}
