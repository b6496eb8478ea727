using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Testing;

/// <summary>Hand-built DICOM byte streams for the cases no real file shows (hostile or unusual input).</summary>
public sealed class DicomBuilder
{
    public const uint Undefined = 0xFFFFFFFF;

    private readonly MemoryStream _bytes = new();

    public long Length => _bytes.Length;

    /// <summary>128-byte preamble, DICM and a meta group naming <paramref name="transferSyntax"/> and the SOP Class and Instance UIDs.</summary>
    public static DicomBuilder Part10(string transferSyntax = "1.2.840.10008.1.2.1", string sopClass = "1.2.840.10008.5.1.4.1.1.7", string sopInstance = "1.2.3.4")
    {
        var builder = new DicomBuilder();
        builder.Raw(new byte[128]).Raw("DICM"u8);
        var meta = new DicomBuilder()
            .Explicit(0x0002, 0x0001, "OB", [0, 1])
            .Explicit(0x0002, 0x0002, "UI", Text(sopClass.Length % 2 == 0 ? sopClass : sopClass + "\0"))
            .Explicit(0x0002, 0x0003, "UI", Text(sopInstance.Length % 2 == 0 ? sopInstance : sopInstance + "\0"))
            .Explicit(0x0002, 0x0010, "UI", Text(transferSyntax.Length % 2 == 0 ? transferSyntax : transferSyntax + "\0"));
        var metaBytes = meta.ToArray();
        builder.Explicit(0x0002, 0x0000, "UL", UInt32((uint)metaBytes.Length)).Raw(metaBytes);
        return builder;
    }

    public static byte[] Text(string value) => Encoding.ASCII.GetBytes(value);

    public static byte[] UInt16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public DicomBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public DicomBuilder Explicit(ushort group, ushort element, string vr, byte[] value) =>
        ExplicitHeader(group, element, vr, (uint)value.Length).Raw(value);

    public DicomBuilder ExplicitHeader(ushort group, ushort element, string vr, uint length)
    {
        Tag(group, element).Raw(Text(vr));
        return vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV"
            ? Raw([0, 0]).Raw(UInt32(length))
            : Raw(UInt16((ushort)length));
    }

    public DicomBuilder Implicit(ushort group, ushort element, byte[] value) =>
        ImplicitHeader(group, element, (uint)value.Length).Raw(value);

    public DicomBuilder ImplicitHeader(ushort group, ushort element, uint length) => Tag(group, element).Raw(UInt32(length));

    public DicomBuilder Item(uint length = Undefined) => ImplicitHeader(0xFFFE, 0xE000, length);

    public DicomBuilder ItemEnd() => ImplicitHeader(0xFFFE, 0xE00D, 0);

    public DicomBuilder SequenceEnd() => ImplicitHeader(0xFFFE, 0xE0DD, 0);

    public byte[] ToArray() => _bytes.ToArray();

    public MemoryStream ToStream() => new(ToArray());

    private DicomBuilder Tag(ushort group, ushort element) => Raw(UInt16(group)).Raw(UInt16(element));
}
