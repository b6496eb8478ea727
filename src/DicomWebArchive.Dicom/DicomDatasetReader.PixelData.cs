using System.Buffers.Binary;

namespace DicomWebArchive.Dicom;

internal sealed partial class DicomDatasetReader
{
    /// <summary>What the reader saw of the top-level Pixel Data; frames are worked out once the data set is complete.</summary>
    internal sealed class PixelDataCapture
    {
        public required DicomTag Tag { get; init; }

        public required DicomVR VR { get; init; }

        public required long ValueOffset { get; init; }

        /// <summary>Declared length, -1 when undefined (encapsulated).</summary>
        public required long ValueLength { get; init; }

        public bool IsEncapsulated => ValueLength < 0;

        /// <summary>Fragment value ranges; null when the fragments were not read (Stop mode).</summary>
        public ByteRange[]? Fragments { get; init; }

        /// <summary>Basic Offset Table entries; null when empty or absent.</summary>
        public uint[]? BasicOffsetTable { get; init; }

        /// <summary>Per fragment: does it begin with a JPEG, JPEG 2000 or JPEG XL start marker.</summary>
        public bool[]? FragmentStartsFrame { get; init; }
    }

    public PixelDataCapture? PixelData { get; private set; }

    private async ValueTask ReadNativePixelDataAsync(Frame frame, uint tag, DicomVR vr, long valueOffset, uint length)
    {
        PixelData = new PixelDataCapture { Tag = new DicomTag(tag), VR = vr, ValueOffset = valueOffset, ValueLength = length };
        Add(frame, new DicomElement(new DicomTag(tag), vr, default, valueOffset, length) { IsValueLoaded = false });
        if (_options.PixelData == PixelDataHandling.Stop)
        {
            _stopped = true;
            return;
        }
        await _buffer.SkipAsync(length, _cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ReadEncapsulatedAsync(Frame frame, uint tag, DicomVR vr, long valueOffset)
    {
        var buffer = _buffer;
        bool root = _top == 0 && !_readingMeta;
        if (root && _options.PixelData == PixelDataHandling.Stop)
        {
            PixelData = new PixelDataCapture { Tag = new DicomTag(tag), VR = vr, ValueOffset = valueOffset, ValueLength = -1 };
            Add(frame, new DicomElement(new DicomTag(tag), vr, default, valueOffset, -1) { IsValueLoaded = false });
            _stopped = true;
            return;
        }

        // Pixel data nested in an item (an icon) is small and always loaded, within the inline limit.
        bool load = !root || _options.PixelData == PixelDataHandling.Load;
        if (load)
        {
            buffer.SetAnchor();
        }
        var fragments = new List<ByteRange>();
        var starts = root ? new List<bool>() : null;
        uint[]? offsets = null;
        bool first = true;
        while (true)
        {
            await buffer.EnsureAsync(8, _cancellationToken).ConfigureAwait(false);
            long itemStart = buffer.Position;
            uint itemTag = ((uint)buffer.ReadUInt16(0, frame.BigEndian) << 16) | buffer.ReadUInt16(2, frame.BigEndian);
            uint length = buffer.ReadUInt32(4, frame.BigEndian);
            if (itemTag == SequenceDelimitationTag)
            {
                buffer.Advance(8);
                break;
            }
            if (itemTag != ItemTag)
            {
                DicomReaderThrow.Element("Expected a fragment item in encapsulated Pixel Data", itemTag, itemStart);
            }
            if (length == UndefinedLength)
            {
                DicomReaderThrow.Element("Fragment of undefined length", itemTag, itemStart);
            }
            long valueStart = itemStart + 8;
            if (frame.End >= 0 && valueStart + length > frame.End)
            {
                DicomReaderThrow.Element($"Fragment length {length} runs past the end of the enclosing item", itemTag, itemStart);
            }
            buffer.Advance(8);
            if (load && valueStart + length - valueOffset > _options.MaxInlineValueLength)
            {
                load = false;
                buffer.ReleaseAnchor();
            }
            if (first)
            {
                first = false;
                if (length > 0 && length % 4 == 0 && length <= (uint)_options.MaxInlineValueLength)
                {
                    await buffer.EnsureAsync((int)length, _cancellationToken).ConfigureAwait(false);
                    offsets = ReadOffsets(buffer.Span[..(int)length]);
                    buffer.Advance((int)length);
                    continue;
                }
            }
            else
            {
                fragments.Add(new ByteRange(valueStart, length));
                if (starts is not null)
                {
                    int peek = (int)Math.Min(length, 4);
                    await buffer.EnsureAsync(peek, _cancellationToken).ConfigureAwait(false);
                    starts.Add(IsFrameStart(buffer.Span[..peek]));
                }
            }
            if (load)
            {
                await buffer.EnsureAsync((int)length, _cancellationToken).ConfigureAwait(false);
                buffer.Advance((int)length);
            }
            else
            {
                await buffer.SkipAsync(length, _cancellationToken).ConfigureAwait(false);
            }
        }

        var fragmentArray = fragments.ToArray();
        var value = load ? buffer.TakeAnchored() : default;
        Add(frame, new DicomElement(new DicomTag(tag), vr, value, valueOffset, buffer.Position - valueOffset)
        {
            IsValueLoaded = load,
            Fragments = fragmentArray,
        });
        if (root)
        {
            PixelData = new PixelDataCapture
            {
                Tag = new DicomTag(tag),
                VR = vr,
                ValueOffset = valueOffset,
                ValueLength = -1,
                Fragments = fragmentArray,
                BasicOffsetTable = offsets,
                FragmentStartsFrame = starts?.ToArray(),
            };
        }
    }

    private static uint[] ReadOffsets(ReadOnlySpan<byte> table)
    {
        var offsets = new uint[table.Length / 4];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(table[(i * 4)..]);
        }
        return offsets;
    }

    // Start of a JPEG / JPEG-LS code stream (SOI then a marker), a JPEG 2000 code stream (SOC, SIZ),
    // a JP2 or JPEG XL box file (12-byte signature box), or a JPEG XL code stream.
    private static bool IsFrameStart(ReadOnlySpan<byte> head) =>
        (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        || (head.Length >= 4 && head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51)
        || (head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0 && head[3] == 0x0C)
        || (head.Length >= 2 && head[0] == 0xFF && head[1] == 0x0A);
}
