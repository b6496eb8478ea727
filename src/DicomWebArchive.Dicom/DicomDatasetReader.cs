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
    private static Frame[]? s_cachedFrames;
    private Frame[] _frames;
    private int _top = -1;
    private int _sequenceDepth;
    private bool _stopped;
    private bool _readingMeta;

    public DicomDatasetReader(DicomReaderBuffer buffer, DicomReaderOptions options, CancellationToken cancellationToken)
    {
        _buffer = buffer;
        _options = options;
        _cancellationToken = cancellationToken;
        _frames = Interlocked.Exchange(ref s_cachedFrames, null) ?? new Frame[4];
    }

    /// <summary>Hands the frame stack (and its grown lists) to the next reader.</summary>
    public void Release()
    {
        foreach (var frame in _frames)
        {
            if (frame is null)
            {
                continue;
            }
            // An input with huge data sets must not keep its lists alive forever.
            if (frame.Elements.Capacity > 4096 || frame.Items.Capacity > 4096)
            {
                return;
            }
            frame.Elements.Clear();
            frame.Items.Clear();
        }
        s_cachedFrames = _frames;
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
                continue;
            }
            if (!TryReadHeader(frame, out var header))
            {
                await buffer.EnsureAsync(12, _cancellationToken).ConfigureAwait(false);
                TryReadHeader(frame, out header);
            }
            // Most elements are complete in the buffer: no await, no state machine on that path.
            if (!TryReadValue(frame, header))
            {
                await ReadValueAsync(frame, header).ConfigureAwait(false);
            }
        }
        var dataset = Build(root);
        _top = -1;
        return dataset;
    }

    private struct ElementHeader
    {
        public long Start;
        public uint Tag;
        public DicomVR VR;
        public uint Length;
        public int HeaderLength;
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
            header.VR = ImplicitVR(tag, frame);
            header.Length = buffer.ReadUInt32(4, bigEndian);
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
            header.VR = ImplicitVR(tag, frame);
            header.Length = buffer.ReadUInt32(4, bigEndian);
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
    private bool TryReadValue(Frame frame, in ElementHeader header)
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
        if (vr == DicomVR.SQ)
        {
            _buffer.Advance(header.HeaderLength);
            PushSequence(tag, vr, valueOffset, length, frame.Implicit, frame.BigEndian);
            return true;
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
        }
        else if (IsTopLevelPixelData(header.Tag))
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
        if (value.Length >= 2 && (tag == 0x00280100 || tag == 0x00280103))
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

    private bool IsTopLevelPixelData(uint tag) =>
        _top == 0 && !_readingMeta && IsPixelDataTag(tag) && _options.PixelData != PixelDataHandling.Load;

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
