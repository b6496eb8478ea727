using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Testing;

/// <summary>
/// A small MR image in implicit VR little endian as older Siemens scanners write one: several private
/// creators sharing group 0019, the CSA header, private sequences (defined and undefined length) whose
/// item reserves a block of its own, numbers of every binary VR, an unknown creator and 8-bit Pixel Data.
/// Every private element but those of SIEMENS MR HEADER is one where dcmtk's private dictionary and
/// ours agree on the VR; dcmtk's has no SIEMENS MR HEADER at all. Shared by the DICOM core's tests and the server's
/// (stored through STOW-RS, its metadata compared with dcm2json).
/// </summary>
public static class SiemensImplicit
{
    private const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";

    /// <summary>The elements of the creator dcmtk does not know, for which pydicom (same dictionary source as ours) is the oracle.</summary>
    public static readonly string[] MrHeaderKeys = ["0019100A", "0019100C", "0019100E", "00191028"];

    /// <summary>The CSA image header: binary, odd-sized numbers in it, as the scanner writes it.</summary>
    public static readonly byte[] CsaHeader = [.. "SV10"u8, 4, 3, 2, 1, 0x2A, 0, 0, 0, 0x4D, 0, 0, 0, .. "EchoLinePosition\0"u8, 0xFF, 0x80, 0x01];

    public const string SopInstanceUid = "2.25.160125946139214183498311452367181690523";

    public static byte[] Create() => DicomBuilder.Part10("1.2.840.10008.1.2", MrImageStorage, SopInstanceUid)
        .Implicit(0x0008, 0x0008, Text("ORIGINAL\\PRIMARY\\M\\ND"))
        .Implicit(0x0008, 0x0016, Uid(MrImageStorage))
        .Implicit(0x0008, 0x0018, Uid(SopInstanceUid))
        .Implicit(0x0008, 0x0060, Text("MR"))
        .Implicit(0x0008, 0x0070, Text("SIEMENS"))
        .Implicit(0x0009, 0x0010, Text("SIEMENS CM VA0  CMS"))
        .Implicit(0x0009, 0x1026, Text("20240311"))
        .Implicit(0x0009, 0x1027, Text("101512.5"))
        .Implicit(0x0010, 0x0010, Text("O'Brien^Sean"))
        .Implicit(0x0010, 0x0020, Text("PID-0042"))
        .Implicit(0x0019, 0x0010, Text("SIEMENS MR HEADER"))
        .Implicit(0x0019, 0x0011, Text("SIEMENS CT VA0  GEN"))
        .Implicit(0x0019, 0x0012, Text("SIEMENS CM VA0  CMS"))
        .Implicit(0x0019, 0x100A, UInt16s(12))
        .Implicit(0x0019, 0x100C, Text("1000"))
        .Implicit(0x0019, 0x100E, Doubles(0.5773502691896258, -0.5773502691896258, 0.5773502691896258))
        .Implicit(0x0019, 0x1028, Doubles(28.98))
        .Implicit(0x0019, 0x1142, UInt16s(1, 0, 65535, 7, 300))
        .Implicit(0x0019, 0x1250, Text("12"))
        .Implicit(0x0020, 0x000D, Uid("2.25.29916410213374622364541424452104170862"))
        .Implicit(0x0020, 0x000E, Uid("2.25.29916410213374622364541424452104170862.1"))
        .Implicit(0x0021, 0x0010, Text("SIEMENS CM VA0  CMS"))
        .Implicit(0x0021, 0x0011, Text("SIEMENS SMS-AX  ACQ 1.0"))
        .Implicit(0x0021, 0x1020, Text("250.0\\ 2.5E2"))
        .Implicit(0x0021, 0x1104, Int32s(-70000))
        .Implicit(0x0021, 0x110C, Int16s(-5, 100, 2000))
        .Implicit(0x0028, 0x0002, UInt16s(1))
        .Implicit(0x0028, 0x0004, Text("MONOCHROME2"))
        .Implicit(0x0028, 0x0010, UInt16s(2))
        .Implicit(0x0028, 0x0011, UInt16s(2))
        .Implicit(0x0028, 0x0100, UInt16s(8))
        .Implicit(0x0028, 0x0101, UInt16s(8))
        .Implicit(0x0028, 0x0102, UInt16s(7))
        .Implicit(0x0028, 0x0103, UInt16s(0))
        .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
        .Implicit(0x0029, 0x0011, Text("SIEMENS MEDCOM HEADER"))
        .Implicit(0x0029, 0x1008, Text("IMAGE NUM 4"))
        .Implicit(0x0029, 0x1009, Text("20240311"))
        .Implicit(0x0029, 0x1010, CsaHeader)
        .Implicit(0x0029, 0x1140, ApplicationHeaderItem(defined: true))
        .ImplicitHeader(0x0029, 0x1170, DicomBuilder.Undefined).Raw(ApplicationHeaderItem(defined: false)).SequenceEnd()
        .Implicit(0x0029, 0x1171, [0x10, 0x00, 0x20, 0x00])
        .Implicit(0x0043, 0x0010, Text("ACME IMAGING 1.0"))
        .Implicit(0x0043, 0x1001, Text("opaque vendor data"))
        .Implicit(0x7FE0, 0x0010, [0, 64, 128, 255])
        .ToArray();

    // The item reserves block 10 for the CSA header itself; block 11 of the enclosing data set does not carry over.
    private static byte[] ApplicationHeaderItem(bool defined)
    {
        var content = new DicomBuilder()
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
            .Implicit(0x0029, 0x1018, Text("MR"))
            .Implicit(0x0029, 0x1019, Text("SyngoMR"))
            .Implicit(0x0029, 0x1171, [0x08, 0x00, 0x18, 0x00])
            .ToArray();
        var item = new DicomBuilder();
        return defined
            ? item.Item((uint)content.Length).Raw(content).ToArray()
            : item.Item().Raw(content).ItemEnd().ToArray();
    }

    /// <summary>Text padded to even length with a space.</summary>
    public static byte[] Text(string value) => Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + " ");

    private static byte[] Uid(string value) => Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + "\0");

    public static byte[] UInt16s(params ushort[] values) => Pack(values, 2, (span, v) => BinaryPrimitives.WriteUInt16LittleEndian(span, v));

    private static byte[] Int16s(params short[] values) => Pack(values, 2, (span, v) => BinaryPrimitives.WriteInt16LittleEndian(span, v));

    private static byte[] Int32s(params int[] values) => Pack(values, 4, (span, v) => BinaryPrimitives.WriteInt32LittleEndian(span, v));

    public static byte[] Doubles(params double[] values) => Pack(values, 8, (span, v) => BinaryPrimitives.WriteDoubleLittleEndian(span, v));

    private static byte[] Pack<T>(T[] values, int size, SpanAction<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size, size), values[i]);
        }
        return bytes;
    }

    private delegate void SpanAction<in T>(Span<byte> span, T value);
}
