using System.Buffers.Binary;

namespace DicomWebArchive.Dicom;

internal sealed partial class DicomDatasetReader
{
    /// <summary>One open data set, item or sequence. Frames and their lists are reused per depth.</summary>
    private sealed class Frame
    {
        public readonly List<DicomElement> Elements = new(32);
        public readonly List<DicomDataset> Items = new(4);
        public FrameKind Kind;
        public long End;
        public bool Implicit;
        public bool BigEndian;
        public uint LastTag;
        public bool Unsorted;
        public ushort PixelRepresentation;
        public long MetaEnd;
        public bool MetaIsDeflated;

        // Data set and item frames: the private dictionary's number for each block's creator (-1 when
        // not listed), keyed by (group << 8) | block; created on the first Private Creator.
        public Dictionary<uint, int>? PrivateCreators;

        // Sequence frames: the element being built.
        public uint Tag;
        public DicomVR VR;
        public long ValueOffset;
    }

    private Frame Push(FrameKind kind, long end, bool implicitVR, bool bigEndian)
    {
        if (++_top == _frames.Length)
        {
            Array.Resize(ref _frames, _frames.Length * 2);
        }
        var frame = _frames[_top] ??= new Frame();
        var parent = _top > 0 ? _frames[_top - 1] : null;
        frame.Kind = kind;
        frame.End = end;
        frame.Implicit = implicitVR;
        frame.BigEndian = bigEndian;
        frame.LastTag = 0;
        frame.Unsorted = false;
        // An item inherits the pixel description of its data set until it declares its own, but not its
        // private blocks: a creator reserves its block in its own data set or item only (PS3.5 §7.8.1).
        frame.PixelRepresentation = parent?.PixelRepresentation ?? 0;
        frame.PrivateCreators?.Clear();
        frame.MetaEnd = -1;
        frame.MetaIsDeflated = false;
        return frame;
    }

    private void PushSequence(uint tag, DicomVR vr, long valueOffset, long length, bool implicitVR, bool bigEndian)
    {
        if (++_sequenceDepth > _options.MaxDepth)
        {
            DicomReaderThrow.Element($"Sequences nested deeper than {_options.MaxDepth}", tag, valueOffset);
        }
        var frame = Push(FrameKind.Sequence, length < 0 ? -1 : valueOffset + length, implicitVR, bigEndian);
        frame.Tag = tag;
        frame.VR = vr;
        frame.ValueOffset = valueOffset;
    }

    private void Close()
    {
        var frame = _frames[_top];
        var parent = _frames[--_top];
        if (frame.Kind == FrameKind.Item)
        {
            parent.Items.Add(Build(frame));
            return;
        }
        _sequenceDepth--;
        var items = frame.Items.Count == 0 ? [] : frame.Items.ToArray();
        frame.Items.Clear();
        Add(parent, new DicomElement(new DicomTag(frame.Tag), frame.VR, default, frame.ValueOffset, _buffer.Position - frame.ValueOffset) { Items = items });
    }

    private static DicomDataset Build(Frame frame)
    {
        var elements = frame.Elements.Count == 0 ? [] : frame.Elements.ToArray();
        frame.Elements.Clear();
        if (frame.Unsorted)
        {
            StableSortByTag(elements);
        }
        var dataset = new DicomDataset(elements);
        foreach (var element in elements)
        {
            if (element.Items is { } items)
            {
                foreach (var item in items)
                {
                    item.Parent = dataset;
                }
            }
        }
        return dataset;
    }

    private static void Add(Frame frame, DicomElement element)
    {
        uint tag = element.Tag.Value;
        if (tag < frame.LastTag)
        {
            frame.Unsorted = true;
        }
        frame.LastTag = tag;
        frame.Elements.Add(element);
    }

    private static void StableSortByTag(DicomElement[] elements)
    {
        var keys = new ulong[elements.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = ((ulong)elements[i].Tag.Value << 32) | (uint)i;
        }
        Array.Sort(keys, elements);
    }

    private static void NoteMeta(Frame root, uint tag, ReadOnlySpan<byte> value, long valueEnd)
    {
        if (tag == 0x00020000 && value.Length == 4)
        {
            root.MetaEnd = valueEnd + BinaryPrimitives.ReadUInt32LittleEndian(value);
        }
        else if (tag == 0x00020010)
        {
            root.MetaIsDeflated = value.StartsWith("1.2.840.10008.1.2.1.99"u8) || value.StartsWith("1.2.840.10008.1.2.4.95"u8);
        }
    }
}
