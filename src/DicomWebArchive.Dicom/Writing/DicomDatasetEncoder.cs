using System.Buffers;
using System.Buffers.Binary;

namespace DicomWebArchive.Dicom.Writing;

/// <summary>Encodes elements, sequences and items in little-endian (explicit or implicit VR) into a buffer.</summary>
internal sealed class DicomDatasetEncoder(IBufferWriter<byte> output, bool defaultImplicitVR, bool definedLengthSequences)
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    private static ReadOnlySpan<byte> SequenceDelimiter => [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];

    public bool ImplicitVR => defaultImplicitVR;

    /// <summary>Elements of a data set in the order they are written: ascending tags, no group lengths, no File Meta, no delimiters.</summary>
    public static IEnumerable<DicomElement> Writable(DicomDataset dataset)
    {
        bool sorted = true;
        for (int i = 1; i < dataset.Count && sorted; i++)
        {
            sorted = dataset[i - 1].Tag.Value <= dataset[i].Tag.Value;
        }
        IEnumerable<DicomElement> ordered = sorted ? dataset : dataset.OrderBy(e => e.Tag.Value);
        return ordered.Where(e => !e.Tag.IsGroupLength && e.Tag.Group is not (0x0002 or 0xFFFE));
    }

    /// <summary>The VR written in explicit VR: UN when unknown or when a short-length value exceeds 64 KiB (PS3.5 §6.2.2).</summary>
    public static DicomVR EncodedVR(DicomElement element)
    {
        var vr = element.VR == DicomVR.None ? DicomVR.UN : element.VR;
        if (element.Items is not null)
        {
            return vr == DicomVR.UN ? DicomVR.UN : DicomVR.SQ;
        }
        return !vr.HasLongLength() && PaddedLength(element) > ushort.MaxValue ? DicomVR.UN : vr;
    }

    public static long PaddedLength(DicomElement element) => element.IsValueLoaded
        ? element.Value.Length + (element.Value.Length & 1)
        : element.ValueLength + (element.ValueLength & 1);

    /// <summary>True for encapsulated pixel data, written with undefined length.</summary>
    public static bool IsEncapsulated(DicomElement element) =>
        element.Fragments is not null
        || (element.Tag == DicomTags.PixelData && element.IsValueLoaded && element.Value.Span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF, 0x00, 0xE0]));

    public void WriteDataset(DicomDataset dataset, bool implicitVR)
    {
        foreach (var element in Writable(dataset))
        {
            WriteElement(element, implicitVR);
        }
    }

    public void WriteElement(DicomElement element, bool implicitVR)
    {
        if (element.Items is not null)
        {
            WriteSequence(element, implicitVR);
            return;
        }
        if (!element.IsValueLoaded)
        {
            throw new InvalidOperationException($"The value of {element.Tag} was not loaded; it can only be written by DicomPart10Writer with OpenValue set.");
        }
        var value = element.Value.Span;
        if (IsEncapsulated(element))
        {
            WriteHeader(element.Tag, element.VR == DicomVR.None ? DicomVR.OB : element.VR, UndefinedLength, implicitVR);
            Write(value);
            if (!value.EndsWith(SequenceDelimiter))
            {
                Write(SequenceDelimiter);
            }
            return;
        }
        var vr = EncodedVR(element);
        WriteHeader(element.Tag, vr, checked((uint)PaddedLength(element)), implicitVR);
        Write(value);
        if ((value.Length & 1) == 1)
        {
            WritePad(vr);
        }
    }

    public void WriteHeader(DicomTag tag, DicomVR vr, uint length, bool implicitVR)
    {
        var span = output.GetSpan(12);
        BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
        if (implicitVR)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], length);
            output.Advance(8);
            return;
        }
        span[4] = (byte)((ushort)vr >> 8);
        span[5] = (byte)vr;
        if (vr.HasLongLength())
        {
            span[6] = 0;
            span[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], length);
            output.Advance(12);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)length);
            output.Advance(8);
        }
    }

    public void WritePad(DicomVR vr) => Write([PadByte(vr)]);

    public static byte PadByte(DicomVR vr) => vr.IsString() && vr != DicomVR.UI ? (byte)' ' : (byte)0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = output.GetSpan(1);
            int count = Math.Min(span.Length, bytes.Length);
            bytes[..count].CopyTo(span);
            output.Advance(count);
            bytes = bytes[count..];
        }
    }

    private void WriteSequence(DicomElement element, bool implicitVR)
    {
        // UN with undefined length holds implicit VR little endian items whatever the transfer syntax (PS3.5 §6.2.2).
        var vr = EncodedVR(element);
        bool itemsImplicit = implicitVR || vr == DicomVR.UN;
        bool defined = definedLengthSequences && vr == DicomVR.SQ;
        WriteHeader(element.Tag, vr, defined ? checked((uint)MeasureItems(element, itemsImplicit)) : UndefinedLength, implicitVR);
        foreach (var item in element.Items!)
        {
            WriteHeader(DicomTags.Item, DicomVR.None, defined ? checked((uint)MeasureDataset(item, itemsImplicit)) : UndefinedLength, implicitVR: true);
            WriteDataset(item, itemsImplicit);
            if (!defined)
            {
                WriteHeader(DicomTags.ItemDelimitationItem, DicomVR.None, 0, implicitVR: true);
            }
        }
        if (!defined)
        {
            WriteHeader(DicomTags.SequenceDelimitationItem, DicomVR.None, 0, implicitVR: true);
        }
    }

    private long MeasureItems(DicomElement element, bool implicitVR)
    {
        long length = 0;
        foreach (var item in element.Items!)
        {
            length += 8 + MeasureDataset(item, implicitVR);
        }
        return length;
    }

    private long MeasureDataset(DicomDataset dataset, bool implicitVR)
    {
        long length = 0;
        foreach (var element in Writable(dataset))
        {
            length += MeasureElement(element, implicitVR);
        }
        return length;
    }

    private long MeasureElement(DicomElement element, bool implicitVR)
    {
        var vr = EncodedVR(element);
        long header = implicitVR ? 8 : vr.HasLongLength() ? 12 : 8;
        if (element.Items is not null)
        {
            bool itemsImplicit = implicitVR || vr == DicomVR.UN;
            if (vr == DicomVR.SQ)
            {
                return header + MeasureItems(element, itemsImplicit);
            }
            // UN sequences stay undefined length: add the item and sequence delimiters.
            long total = header + 8;
            foreach (var item in element.Items)
            {
                total += 16 + MeasureDataset(item, itemsImplicit);
            }
            return total;
        }
        if (IsEncapsulated(element))
        {
            var value = element.Value.Span;
            return header + value.Length + (value.EndsWith(SequenceDelimiter) ? 0 : 8);
        }
        return header + PaddedLength(element);
    }
}
