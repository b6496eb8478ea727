using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DicomWebArchive.Dicom;

internal sealed partial class DicomDatasetReader
{
    private struct ElementHeader
    {
        public long Start;
        public uint Tag;
        public DicomVR VR;
        public uint Length;
        public int HeaderLength;

        // SQ from the private dictionary: a sequence only if the value starts with an item.
        public bool MaybeSequence;
    }

    /// <summary>Parses the header at the current position (8 bytes are there); false when it needs 12.</summary>
    private bool TryReadHeader(Frame frame, out ElementHeader header)
    {
        var buffer = _buffer;
        bool bigEndian = frame.BigEndian;
        header = default;
        header.Start = buffer.Position;
        header.HeaderLength = 8;
        uint tag = ((uint)buffer.ReadUInt16(0, bigEndian) << 16) | buffer.ReadUInt16(2, bigEndian);
        header.Tag = tag;
        if (tag >> 16 == 0xFFFE)
        {
            header.Length = buffer.ReadUInt32(4, bigEndian);
            return true;
        }
        if (frame.Implicit)
        {
            ReadImplicitHeader(frame, ref header);
            return true;
        }
        if (DicomVRExtensions.TryParse(buffer[4], buffer[5], out var vr))
        {
            header.VR = vr;
            if (!vr.HasLongLength())
            {
                header.Length = buffer.ReadUInt16(6, bigEndian);
                return true;
            }
        }
        else if (IsUpperCaseLetter(buffer[4]) && IsUpperCaseLetter(buffer[5]))
        {
            // A VR defined after this reader was written: PS3.5 §7.1.2 gives new VRs the 32-bit length form.
            header.VR = DicomVR.UN;
        }
        else
        {
            // No VR where one belongs: a writer slipped an implicit VR element into an explicit data set.
            ReadImplicitHeader(frame, ref header);
            return true;
        }
        if (buffer.Available < 12)
        {
            return false;
        }
        header.Length = buffer.ReadUInt32(8, bigEndian);
        header.HeaderLength = 12;
        return true;
    }

    /// <summary>Completes an element without waiting for input; false (nothing consumed) when that needs the stream.</summary>
    private bool TryReadValue(Frame frame, ref ElementHeader header)
    {
        uint tag = header.Tag;
        uint length = header.Length;
        var vr = header.VR;
        if (tag >> 16 == 0xFFFE)
        {
            ReadDelimiter(frame, tag, header.Start);
            return true;
        }
        long valueOffset = header.Start + header.HeaderLength;
        if (length == UndefinedLength)
        {
            if (IsPixelDataTag(tag) && vr != DicomVR.SQ)
            {
                return false;
            }
            if (vr is not (DicomVR.SQ or DicomVR.UN))
            {
                DicomReaderThrow.Element($"Undefined length is not allowed for VR {vr.ToCode()}", tag, header.Start);
            }
            _buffer.Advance(header.HeaderLength);
            // UN of undefined length holds a sequence encoded in implicit VR little endian (PS3.5 §6.2.2).
            bool implicitItems = frame.Implicit || vr == DicomVR.UN;
            PushSequence(tag, vr, valueOffset, -1, implicitItems, !implicitItems && frame.BigEndian);
            return true;
        }
        if (frame.End >= 0 && valueOffset + length > frame.End)
        {
            DicomReaderThrow.Element($"Value length {length} runs past the end of the enclosing item", tag, header.Start);
        }
        if (vr == DicomVR.SQ && !header.MaybeSequence)
        {
            _buffer.Advance(header.HeaderLength);
            PushSequence(tag, vr, valueOffset, length, frame.Implicit, frame.BigEndian);
            return true;
        }
        if (MayHoldSequence(header))
        {
            if (_buffer.Available < header.HeaderLength + 8)
            {
                return false;
            }
            if (StartsWithItem(header.HeaderLength))
            {
                _buffer.Advance(header.HeaderLength);
                PushSequenceFound(frame, header, valueOffset);
                return true;
            }
            // Not a sequence after all: the bytes are kept, as UN (a private SQ's VR was only the dictionary's guess).
            header.VR = DicomVR.UN;
            header.MaybeSequence = false;
        }
        if (length > (uint)_options.MaxInlineValueLength || IsTopLevelPixelData(tag) || _buffer.Available - header.HeaderLength < (int)length)
        {
            return false;
        }
        _buffer.Advance(header.HeaderLength);
        AddValue(frame, header, valueOffset);
        return true;
    }

    private async ValueTask ReadValueAsync(Frame frame, ElementHeader header)
    {
        var buffer = _buffer;
        long valueOffset = header.Start + header.HeaderLength;
        buffer.Advance(header.HeaderLength);
        if (header.Length == UndefinedLength)
        {
            await ReadEncapsulatedAsync(frame, header.Tag, header.VR, valueOffset).ConfigureAwait(false);
            return;
        }
        if (MayHoldSequence(header))
        {
            await buffer.EnsureAsync(8, _cancellationToken).ConfigureAwait(false);
            if (StartsWithItem(0))
            {
                PushSequenceFound(frame, header, valueOffset);
                return;
            }
            header.VR = DicomVR.UN;
        }
        if (IsTopLevelPixelData(header.Tag))
        {
            await ReadNativePixelDataAsync(frame, header.Tag, header.VR, valueOffset, header.Length).ConfigureAwait(false);
        }
        else if (header.Length > (uint)_options.MaxInlineValueLength)
        {
            await buffer.SkipAsync(header.Length, _cancellationToken).ConfigureAwait(false);
            Add(frame, new DicomElement(new DicomTag(header.Tag), header.VR, default, valueOffset, header.Length) { IsValueLoaded = false });
        }
        else
        {
            await buffer.EnsureAsync((int)header.Length, _cancellationToken).ConfigureAwait(false);
            AddValue(frame, header, valueOffset);
        }
    }

    private void AddValue(Frame frame, in ElementHeader header, long valueOffset)
    {
        uint tag = header.Tag;
        var value = _buffer.Take((int)header.Length);
        if (frame.BigEndian)
        {
            SwapToLittleEndian(value.Span, header.VR);
        }
        Add(frame, new DicomElement(new DicomTag(tag), header.VR, value, valueOffset, header.Length));
        if (_readingMeta)
        {
            NoteMeta(frame, tag, value.Span, valueOffset + header.Length);
        }
        if (value.Length >= 2 && tag == 0x00280103)
        {
            frame.PixelRepresentation = BinaryPrimitives.ReadUInt16LittleEndian(value.Span);
        }
        else if (IsPrivateCreatorTag(tag))
        {
            NotePrivateCreator(frame, tag, value.Span);
        }
    }

    // A sequence that lost its VR on the way (a public SQ attribute sent as UN), or a private element the
    // private dictionary calls SQ: read as a sequence when the value starts with an item, else kept as bytes.
    private static bool MayHoldSequence(in ElementHeader header) =>
        header.MaybeSequence || (header.VR == DicomVR.UN && header.Length >= 8 && IsSequenceInDictionary(header.Tag));

    // Items of UN are implicit VR little endian (PS3.5 §6.2.2); those of a private SQ are encoded like their data set.
    private void PushSequenceFound(Frame frame, in ElementHeader header, long valueOffset)
    {
        bool implicitItems = frame.Implicit || header.VR == DicomVR.UN;
        PushSequence(header.Tag, header.VR, valueOffset, header.Length, implicitItems, !implicitItems && frame.BigEndian);
    }

    private static bool IsSequenceInDictionary(uint tag) =>
        ((tag >> 16) & 1) == 0 && DicomDictionary.TryGetEntry(new DicomTag(tag), out var entry) && entry.VR == DicomVR.SQ;

    private bool StartsWithItem(int offset) =>
        _buffer.ReadUInt32(offset, bigEndian: false) == 0xE000FFFE;

    private bool IsTopLevelPixelData(uint tag) =>
        _top == 0 && !_readingMeta && IsPixelDataTag(tag) && _options.PixelData != PixelDataHandling.Load;

    internal static void SwapToLittleEndian(Span<byte> value, DicomVR vr)
    {
        // AT is a pair of 16-bit numbers, not one 32-bit number.
        int size = vr == DicomVR.AT ? 2 : vr.ValueSize();
        switch (size)
        {
            case 2:
                var words = MemoryMarshal.Cast<byte, ushort>(value[..(value.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 4:
                var dwords = MemoryMarshal.Cast<byte, uint>(value[..(value.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(dwords, dwords);
                break;
            case 8:
                var qwords = MemoryMarshal.Cast<byte, ulong>(value[..(value.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(qwords, qwords);
                break;
        }
    }
}
