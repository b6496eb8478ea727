using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Dicom.Tests.Support;

/// <summary>Builds data sets in memory with correctly padded values, the way a modality would encode them.</summary>
internal sealed class DatasetBuilder
{
    private readonly List<DicomElement> _elements = [];
    private readonly Encoding _text;

    public DatasetBuilder(Encoding? text = null) => _text = text ?? Encoding.ASCII;

    public DatasetBuilder String(uint tag, DicomVR vr, string value)
    {
        var bytes = _text.GetBytes(value);
        if ((bytes.Length & 1) == 1)
        {
            bytes = [.. bytes, vr == DicomVR.UI ? (byte)0 : (byte)' '];
        }
        return Add(tag, vr, bytes);
    }

    public DatasetBuilder UInt16(uint tag, params ushort[] values) => Numbers(tag, DicomVR.US, values, 2, (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, v));

    public DatasetBuilder Int16(uint tag, params short[] values) => Numbers(tag, DicomVR.SS, values, 2, (s, v) => BinaryPrimitives.WriteInt16LittleEndian(s, v));

    public DatasetBuilder UInt32(uint tag, params uint[] values) => Numbers(tag, DicomVR.UL, values, 4, (s, v) => BinaryPrimitives.WriteUInt32LittleEndian(s, v));

    public DatasetBuilder Int32(uint tag, params int[] values) => Numbers(tag, DicomVR.SL, values, 4, (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v));

    public DatasetBuilder Float(uint tag, params float[] values) => Numbers(tag, DicomVR.FL, values, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v));

    public DatasetBuilder Double(uint tag, params double[] values) => Numbers(tag, DicomVR.FD, values, 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v));

    public DatasetBuilder Tags(uint tag, params uint[] values) => Numbers(tag, DicomVR.AT, values, 4, (s, v) =>
    {
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(v >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], (ushort)v);
    });

    public DatasetBuilder Add(uint tag, DicomVR vr, byte[] value)
    {
        _elements.Add(new DicomElement(new DicomTag(tag), vr, value, 0, value.Length));
        return this;
    }

    public DatasetBuilder Sequence(uint tag, params DatasetBuilder[] items) => Sequence(tag, DicomVR.SQ, items);

    public DatasetBuilder Sequence(uint tag, DicomVR vr, params DatasetBuilder[] items)
    {
        _elements.Add(new DicomElement(new DicomTag(tag), vr, ReadOnlyMemory<byte>.Empty, 0, 0) { Items = [.. items.Select(i => i.Build())] });
        return this;
    }

    /// <summary>The data set with elements in ascending tag order and each item's parent set.</summary>
    public DicomDataset Build()
    {
        var dataset = new DicomDataset([.. _elements.OrderBy(e => e.Tag.Value)]);
        foreach (var element in _elements)
        {
            foreach (var item in element.Items ?? [])
            {
                item.Parent = dataset;
            }
        }
        return dataset;
    }

    private DatasetBuilder Numbers<T>(uint tag, DicomVR vr, T[] values, int size, SpanAction<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size), values[i]);
        }
        return Add(tag, vr, bytes);
    }

    private delegate void SpanAction<in T>(Span<byte> span, T value);
}
