using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Dicom.Writing;

/// <summary>
/// Builds a data set in memory with values encoded and padded as PS3.5 requires: for responses
/// (STOW-RS Store Instances Response), tools and tests. Text is UTF-8 unless another encoding is
/// given; when UTF-8 text is not plain ASCII and no Specific Character Set was added,
/// <see cref="Build"/> adds "ISO_IR 192" so readers decode it right.
/// </summary>
public sealed class DicomDatasetBuilder
{
    private readonly List<DicomElement> _elements = [];
    private readonly Encoding _text;
    private bool _nonAsciiText;

    public DicomDatasetBuilder(Encoding? text = null) => _text = text ?? Encoding.UTF8;

    /// <summary>A string value (several values joined with '\'), padded to even length (NUL for UI, space otherwise).</summary>
    public DicomDatasetBuilder AddString(DicomTag tag, DicomVR vr, string value)
    {
        var bytes = vr.UsesSpecificCharacterSet() ? _text.GetBytes(value) : Encoding.ASCII.GetBytes(value);
        _nonAsciiText |= !Ascii.IsValid(bytes);
        if ((bytes.Length & 1) == 1)
        {
            bytes = [.. bytes, vr == DicomVR.UI ? (byte)0 : (byte)' '];
        }
        return AddBytes(tag, vr, bytes);
    }

    public DicomDatasetBuilder AddUInt16(DicomTag tag, params ushort[] values) => AddNumbers(tag, DicomVR.US, values, 2, static (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, v));

    public DicomDatasetBuilder AddInt16(DicomTag tag, params short[] values) => AddNumbers(tag, DicomVR.SS, values, 2, static (s, v) => BinaryPrimitives.WriteInt16LittleEndian(s, v));

    public DicomDatasetBuilder AddUInt32(DicomTag tag, params uint[] values) => AddNumbers(tag, DicomVR.UL, values, 4, static (s, v) => BinaryPrimitives.WriteUInt32LittleEndian(s, v));

    public DicomDatasetBuilder AddInt32(DicomTag tag, params int[] values) => AddNumbers(tag, DicomVR.SL, values, 4, static (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v));

    public DicomDatasetBuilder AddFloat(DicomTag tag, params float[] values) => AddNumbers(tag, DicomVR.FL, values, 4, static (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v));

    public DicomDatasetBuilder AddDouble(DicomTag tag, params double[] values) => AddNumbers(tag, DicomVR.FD, values, 8, static (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v));

    public DicomDatasetBuilder AddAttributeTags(DicomTag tag, params DicomTag[] values) => AddNumbers(tag, DicomVR.AT, values, 4, static (s, v) =>
    {
        BinaryPrimitives.WriteUInt16LittleEndian(s, v.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], v.Element);
    });

    /// <summary>A value given as its little-endian bytes (binary VRs, or anything already encoded).</summary>
    public DicomDatasetBuilder AddBytes(DicomTag tag, DicomVR vr, byte[] value)
    {
        _elements.Add(new DicomElement(tag, vr, value, 0, value.Length));
        return this;
    }

    /// <summary>A sequence (SQ, or UN for one of undefined length) of the given items; none gives an empty sequence.</summary>
    public DicomDatasetBuilder AddSequence(DicomTag tag, params DicomDatasetBuilder[] items) => AddSequence(tag, DicomVR.SQ, items);

    public DicomDatasetBuilder AddSequence(DicomTag tag, DicomVR vr, params DicomDatasetBuilder[] items)
    {
        _nonAsciiText |= items.Any(i => i._nonAsciiText);
        _elements.Add(new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty, 0, 0) { Items = [.. items.Select(i => i.Build(addCharacterSet: false))] });
        return this;
    }

    /// <summary>The data set: elements in ascending tag order (a later value for the same tag replaces the earlier one), items linked to it.</summary>
    public DicomDataset Build() => Build(addCharacterSet: true);

    /// <summary>Items inherit the character set of the top-level data set, so only that one gets "ISO_IR 192".</summary>
    private DicomDataset Build(bool addCharacterSet)
    {
        var byTag = new SortedDictionary<uint, DicomElement>();
        foreach (var element in _elements)
        {
            byTag[element.Tag.Value] = element;
        }
        if (addCharacterSet && _nonAsciiText && ReferenceEquals(_text, Encoding.UTF8) && !byTag.ContainsKey(DicomTags.SpecificCharacterSet.Value))
        {
            byTag[DicomTags.SpecificCharacterSet.Value] = new DicomElement(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"u8.ToArray(), 0, 10);
        }
        var dataset = new DicomDataset([.. byTag.Values]);
        foreach (var element in dataset)
        {
            foreach (var item in element.Items ?? [])
            {
                item.Parent = dataset;
            }
        }
        return dataset;
    }

    private DicomDatasetBuilder AddNumbers<T>(DicomTag tag, DicomVR vr, T[] values, int size, SpanWriter<T> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size), values[i]);
        }
        return AddBytes(tag, vr, bytes);
    }

    private delegate void SpanWriter<in T>(Span<byte> span, T value);
}
