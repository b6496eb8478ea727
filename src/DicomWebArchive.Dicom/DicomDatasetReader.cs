using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DicomWebArchive.Dicom;

/// <summary>
/// Parses one data set (or the meta group) from a <see cref="DicomReaderBuffer"/>. Nesting is an
/// explicit stack of frames, not recursion, so depth costs no stack and is bounded by MaxDepth.
/// Each step awaits only to fill the buffer, then parses synchronously from its span.
/// </summary>
internal sealed partial class DicomDatasetReader
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;

    private readonly DicomReaderBuffer _buffer;
    private readonly DicomReaderOptions _options;
    private readonly CancellationToken _cancellationToken;
    private Frame[] _frames = new Frame[4];
    private int _top = -1;
    private int _sequenceDepth;
    private bool _stopped;
    private bool _readingMeta;

    public DicomDatasetReader(DicomReaderBuffer buffer, DicomReaderOptions options, CancellationToken cancellationToken)
    {
        _buffer = buffer;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    private enum FrameKind : byte
    {
        Dataset,
        Item,
        Sequence,
    }

    /// <summary>Reads the meta group: explicit VR little endian elements of group 0002 (implicit if so written).</summary>
    public ValueTask<DicomDataset> ReadMetaAsync(bool implicitVR)
    {
        _readingMeta = true;
        return ReadAsync(implicitVR, bigEndian: false);
    }

    /// <summary>Reads a data set to the end of the stream, or up to Pixel Data in <see cref="PixelDataHandling.Stop"/> mode.</summary>
    public ValueTask<DicomDataset> ReadDatasetAsync(bool implicitVR, bool bigEndian)
    {
        _readingMeta = false;
        _stopped = false;
        return ReadAsync(implicitVR, bigEndian);
    }

    private async ValueTask<DicomDataset> ReadAsync(bool implicitVR, bool bigEndian)
    {
        var root = Push(FrameKind.Dataset, -1, implicitVR, bigEndian);
        var buffer = _buffer;
        while (true)
        {
            var frame = _frames[_top];
            if (frame.End >= 0 && buffer.Position >= frame.End)
            {
                if (buffer.Position > frame.End)
                {
                    DicomReaderThrow.Format("Content overruns the length of its sequence or item", frame.End);
                }
                Close();
                continue;
            }
            if (_top == 0)
            {
                if (_stopped)
                {
                    break;
                }
                if (!await buffer.TryEnsureAsync(8, _cancellationToken).ConfigureAwait(false))
                {
                    if (buffer.Available == 0)
                    {
                        break;
                    }
                    DicomReaderThrow.Truncated(buffer.Position + buffer.Available, 8 - buffer.Available);
                }
                if (_readingMeta && !ContinueMeta(root))
                {
                    break;
                }
            }
            else
            {
                await buffer.EnsureAsync(8, _cancellationToken).ConfigureAwait(false);
            }

            if (frame.Kind == FrameKind.Sequence)
            {
                ReadItemHeader(frame);
            }
            else
            {
                await ReadElementAsync(frame).ConfigureAwait(false);
            }
        }
        var dataset = Build(root);
        _top = -1;
        return dataset;
    }

    private async ValueTask ReadElementAsync(Frame frame)
    {
        var buffer = _buffer;
        long start = buffer.Position;
        bool bigEndian = frame.BigEndian;
        uint tag = ((uint)buffer.ReadUInt16(0, bigEndian) << 16) | buffer.ReadUInt16(2, bigEndian);
        if (tag >> 16 == 0xFFFE)
        {
            ReadDelimiter(frame, tag, start);
            return;
        }

        DicomVR vr;
        uint length;
        int headerLength = 8;
        if (frame.Implicit)
        {
            vr = ImplicitVR(tag, frame);
            length = buffer.ReadUInt32(4, bigEndian);
        }
        else if (DicomVRExtensions.TryParse(buffer[4], buffer[5], out vr))
        {
            if (vr.HasLongLength())
            {
                await buffer.EnsureAsync(12, _cancellationToken).ConfigureAwait(false);
                length = buffer.ReadUInt32(8, bigEndian);
                headerLength = 12;
            }
            else
            {
                length = buffer.ReadUInt16(6, bigEndian);
            }
        }
        else if (IsUpperCaseLetter(buffer[4]) && IsUpperCaseLetter(buffer[5]))
        {
            // A VR defined after this reader was written: PS3.5 §7.1.2 gives new VRs the 32-bit length form.
            await buffer.EnsureAsync(12, _cancellationToken).ConfigureAwait(false);
            vr = DicomVR.UN;
            length = buffer.ReadUInt32(8, bigEndian);
            headerLength = 12;
        }
        else
        {
            // No VR where one belongs: a writer slipped an implicit VR element into an explicit data set.
            vr = ImplicitVR(tag, frame);
            length = buffer.ReadUInt32(4, bigEndian);
        }
        buffer.Advance(headerLength);
        long valueOffset = start + headerLength;

        if (length == UndefinedLength)
        {
            if (IsPixelDataTag(tag) && vr != DicomVR.SQ)
            {
                await ReadEncapsulatedAsync(frame, tag, vr, valueOffset).ConfigureAwait(false);
            }
            else if (vr is DicomVR.SQ or DicomVR.UN)
            {
                // UN of undefined length holds a sequence encoded in implicit VR little endian (PS3.5 §6.2.2).
                bool implicitItems = frame.Implicit || vr == DicomVR.UN;
                PushSequence(tag, vr, valueOffset, -1, implicitItems, implicitItems ? false : bigEndian);
            }
            else
            {
                DicomReaderThrow.Element($"Undefined length is not allowed for VR {vr.ToCode()}", tag, start);
            }
            return;
        }

        if (frame.End >= 0 && valueOffset + length > frame.End)
        {
            DicomReaderThrow.Element($"Value length {length} runs past the end of the enclosing item", tag, start);
        }
        if (vr == DicomVR.SQ)
        {
            PushSequence(tag, vr, valueOffset, length, frame.Implicit, bigEndian);
            return;
        }
        if (_top == 0 && !_readingMeta && IsPixelDataTag(tag) && _options.PixelData != PixelDataHandling.Load)
        {
            await ReadNativePixelDataAsync(frame, tag, vr, valueOffset, length).ConfigureAwait(false);
            return;
        }
        if (length > (uint)_options.MaxInlineValueLength)
        {
            await buffer.SkipAsync(length, _cancellationToken).ConfigureAwait(false);
            Add(frame, new DicomElement(new DicomTag(tag), vr, default, valueOffset, length) { IsValueLoaded = false });
            return;
        }
        if (buffer.Available < (int)length)
        {
            await buffer.EnsureAsync((int)length, _cancellationToken).ConfigureAwait(false);
        }
        var value = buffer.Take((int)length);
        if (bigEndian)
        {
            SwapToLittleEndian(value.Span, vr);
        }
        Add(frame, new DicomElement(new DicomTag(tag), vr, value, valueOffset, length));
        if (_readingMeta)
        {
            NoteMeta(frame, tag, value.Span, valueOffset + length);
        }
        if (length >= 2 && (tag == 0x00280100 || tag == 0x00280103))
        {
            ushort number = BinaryPrimitives.ReadUInt16LittleEndian(value.Span);
            if (tag == 0x00280100)
            {
                frame.BitsAllocated = number;
            }
            else
            {
                frame.PixelRepresentation = number;
            }
        }
    }

    private void ReadItemHeader(Frame sequence)
    {
        var buffer = _buffer;
        long start = buffer.Position;
        bool bigEndian = sequence.BigEndian;
        uint tag = ((uint)buffer.ReadUInt16(0, bigEndian) << 16) | buffer.ReadUInt16(2, bigEndian);
        uint length = buffer.ReadUInt32(4, bigEndian);
        buffer.Advance(8);
        if (tag == ItemTag)
        {
            long end = -1;
            if (length != UndefinedLength)
            {
                end = start + 8 + length;
                if (sequence.End >= 0 && end > sequence.End)
                {
                    DicomReaderThrow.Element($"Item length {length} runs past the end of its sequence", tag, start);
                }
            }
            Push(FrameKind.Item, end, sequence.Implicit, bigEndian);
        }
        else if (tag == SequenceDelimitationTag && sequence.End < 0)
        {
            Close();
        }
        else
        {
            DicomReaderThrow.Element("Expected an item or the end of the sequence", tag, start);
        }
    }

    private void ReadDelimiter(Frame frame, uint tag, long start)
    {
        if (tag == ItemDelimitationTag && frame.Kind == FrameKind.Item)
        {
            _buffer.Advance(8);
            // Some writers end defined-length items with a delimiter as well; it carries nothing.
            if (frame.End < 0)
            {
                Close();
            }
            return;
        }
        DicomReaderThrow.Element(tag == ItemTag ? "Item outside a sequence" : "Delimiter where a data element belongs", tag, start);
    }

    private DicomVR ImplicitVR(uint tag, Frame frame)
    {
        if (_readingMeta && tag >> 16 == 0x0002 && DicomDictionary.TryGetEntry(new DicomTag(tag), out var meta))
        {
            return meta.VR;
        }
        return DicomDictionary.GetImplicitVR(new DicomTag(tag), frame.BitsAllocated, frame.PixelRepresentation);
    }

    private bool ContinueMeta(Frame root)
    {
        ushort group = _buffer.ReadUInt16(0, bigEndian: false);
        if (group != 0x0002)
        {
            return false;
        }
        // The group length marks where the data set starts; trust it over the group number only
        // for a deflated data set, whose first (compressed) bytes could look like anything.
        return root.MetaEnd < 0 || _buffer.Position != root.MetaEnd || !root.MetaIsDeflated;
    }

    private static bool IsPixelDataTag(uint tag) => tag is 0x7FE00010 or 0x7FE00008 or 0x7FE00009;

    private static bool IsUpperCaseLetter(byte b) => b is >= (byte)'A' and <= (byte)'Z';

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
