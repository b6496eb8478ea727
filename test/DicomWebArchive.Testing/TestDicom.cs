using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Testing;

/// <summary>
/// Writes small explicit VR little endian Part 10 files for tests that need exact control over what an instance
/// holds (hostile UIDs, deep nesting, huge pixel data). Elements must be added in ascending tag order.
/// </summary>
public sealed class TestDicom
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";

    private readonly MemoryStream _body = new();

    public TestDicom(string study, string series, string sop, string sopClass = CtImageStorage, string? metaSop = null, string? patientName = "Test^Patient", string modality = "CT", string transferSyntax = ExplicitVRLittleEndian, string patientId = "PID-1")
    {
        SopClassUid = sopClass;
        TransferSyntaxUid = transferSyntax;
        MetaSopInstanceUid = metaSop ?? sop;
        Add(0x00080005, "CS", "ISO_IR 192");
        Add(0x00080016, "UI", sopClass);
        Add(0x00080018, "UI", sop);
        Add(0x00080020, "DA", "20240131");
        Add(0x00080060, "CS", modality);
        if (patientName is not null)
        {
            Add(0x00100010, "PN", patientName);
        }
        Add(0x00100020, "LO", patientId);
        Add(0x0020000D, "UI", study);
        Add(0x0020000E, "UI", series);
        Add(0x00200013, "IS", "1");
    }

    public string SopClassUid { get; }

    public string MetaSopInstanceUid { get; }

    /// <summary>Written to the meta group only; the data set is always explicit VR little endian.</summary>
    public string TransferSyntaxUid { get; }

    public TestDicom Add(uint tag, string vr, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length % 2 == 1)
        {
            bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        }
        return AddBytes(tag, vr, bytes);
    }

    public TestDicom AddBytes(uint tag, string vr, ReadOnlySpan<byte> value)
    {
        WriteHeader(_body, tag, vr, (uint)value.Length);
        _body.Write(value);
        return this;
    }

    /// <summary>Image Pixel module attributes of a 16-bit monochrome image (Pixel Data itself is added by the caller).</summary>
    public TestDicom AddImage(int rows, int columns, int frames)
    {
        Add(0x00280002, "US", 1);
        Add(0x00280004, "CS", "MONOCHROME2");
        Add(0x00280008, "IS", frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(0x00280010, "US", rows);
        Add(0x00280011, "US", columns);
        Add(0x00280100, "US", 16);
        Add(0x00280101, "US", 16);
        Add(0x00280102, "US", 15);
        Add(0x00280103, "US", 0);
        return this;
    }

    private void Add(uint tag, string vr, int value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        AddBytes(tag, vr, bytes);
    }

    /// <summary>Appends <paramref name="depth"/> nested undefined-length sequences (Content Sequence), each with one item.</summary>
    public TestDicom AddNestedSequences(int depth)
    {
        for (int i = 0; i < depth; i++)
        {
            WriteHeader(_body, 0x0040A730, "SQ", uint.MaxValue);
            WriteTag(_body, 0xFFFEE000, uint.MaxValue);
        }
        for (int i = 0; i < depth; i++)
        {
            WriteTag(_body, 0xFFFEE00D, 0);
            WriteTag(_body, 0xFFFEE0DD, 0);
        }
        return this;
    }

    /// <summary>The Part 10 file: preamble (non-zero, to show it is zeroed when stored), meta group, data set.</summary>
    public byte[] ToArray()
    {
        using var file = new MemoryStream();
        WritePreambleAndMeta(file, SopClassUid, MetaSopInstanceUid, TransferSyntaxUid);
        _body.WriteTo(file);
        return file.ToArray();
    }

    /// <summary>The file with native Pixel Data of <paramref name="pixelDataLength"/> bytes, each byte a function of its position and <paramref name="seed"/>.</summary>
    public byte[] ToArrayWithPixelData(int pixelDataLength, int seed)
    {
        var header = ToArrayWithPixelDataHeader(pixelDataLength);
        var file = new byte[header.Length + pixelDataLength];
        header.CopyTo(file, 0);
        PixelPattern.Fill(file.AsSpan(header.Length), seed);
        return file;
    }

    /// <summary>The bytes of the file before its pixel data value, for streaming generators of large instances.</summary>
    public byte[] ToArrayWithPixelDataHeader(long pixelDataLength)
    {
        using var file = new MemoryStream();
        WritePreambleAndMeta(file, SopClassUid, MetaSopInstanceUid, TransferSyntaxUid);
        _body.WriteTo(file);
        WriteHeader(file, 0x7FE00010, "OW", checked((uint)pixelDataLength));
        return file.ToArray();
    }

    private static void WritePreambleAndMeta(Stream file, string sopClass, string sop, string transferSyntax)
    {
        var preamble = new byte[128];
        preamble.AsSpan().Fill((byte)'M');
        file.Write(preamble);
        file.Write("DICM"u8);
        using var meta = new MemoryStream();
        WriteHeader(meta, 0x00020001, "OB", 2);
        meta.Write([0, 1]);
        WriteUid(meta, 0x00020002, sopClass);
        WriteUid(meta, 0x00020003, sop);
        WriteUid(meta, 0x00020010, transferSyntax);
        WriteUid(meta, 0x00020012, "1.2.826.0.1.3680043.10.1");
        WriteHeader(file, 0x00020000, "UL", 4);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)meta.Length);
        file.Write(length);
        meta.WriteTo(file);
    }

    private static void WriteUid(Stream stream, uint tag, string uid)
    {
        var bytes = Encoding.ASCII.GetBytes(uid);
        if (bytes.Length % 2 == 1)
        {
            bytes = [.. bytes, 0];
        }
        WriteHeader(stream, tag, "UI", (uint)bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteHeader(Stream stream, uint tag, string vr, uint length)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV")
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], length);
            stream.Write(header);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], checked((ushort)length));
            stream.Write(header[..8]);
        }
    }

    private static void WriteTag(Stream stream, uint tag, uint length)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], length);
        stream.Write(header);
    }

    /// <summary>A UID under this test suite's root that is unique per call.</summary>
    public static string NewUid() => "2.25." + new UInt128(BinaryPrimitives.ReadUInt64LittleEndian(Guid.NewGuid().ToByteArray()), BinaryPrimitives.ReadUInt64LittleEndian(Guid.NewGuid().ToByteArray().AsSpan(8)));
}
