using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Dicom.Tests.Support;

/// <summary>Hand-built elements and data sets for unit tests that do not go through the reader.</summary>
internal static class TestData
{
    public static DicomElement Bytes(uint tag, DicomVR vr, byte[] value) => new(new DicomTag(tag), vr, value, 0, value.Length);

    /// <summary>A string element from Latin-1 text (each char one byte), so tests can spell raw bytes as "\u001b$B...".</summary>
    public static DicomElement Text(uint tag, DicomVR vr, string latin1) => Bytes(tag, vr, Encoding.Latin1.GetBytes(latin1));

    public static DicomElement UInt16(uint tag, params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }
        return Bytes(tag, DicomVR.US, bytes);
    }

    public static DicomElement Sequence(uint tag, params DicomDataset[] items) =>
        new(new DicomTag(tag), DicomVR.SQ, ReadOnlyMemory<byte>.Empty, 0, 0) { Items = items };

    public static DicomDataset Dataset(params DicomElement[] elements)
    {
        var dataset = new DicomDataset(elements);
        foreach (var element in elements)
        {
            foreach (var item in element.Items ?? [])
            {
                item.Parent = dataset;
            }
        }
        return dataset;
    }
}
