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
    private const uint PixelDataTag = 0x7FE00010;

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
            if (frame.Elements.Capacity > 4096 || frame.Items.Capacity > 4096 || frame.PrivateCreators?.EnsureCapacity(0) > 4096)
            {
                return;
            }
            frame.Elements.Clear();
            frame.Items.Clear();
            frame.PrivateCreators?.Clear();
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
            if (!TryReadValue(frame, ref header))
            {
                await ReadValueAsync(frame, header).ConfigureAwait(false);
            }
        }
        var dataset = Build(root);
        _top = -1;
        return dataset;
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

    /// <summary>Completes the header of an element that has no VR on the wire: its 32-bit length, then the VR the dictionaries give.</summary>
    private void ReadImplicitHeader(Frame frame, ref ElementHeader header)
    {
        uint tag = header.Tag;
        uint length = _buffer.ReadUInt32(4, frame.BigEndian);
        header.Length = length;
        var key = new DicomTag(tag);
        if (_readingMeta && tag >> 16 == 0x0002 && DicomDictionary.TryGetEntry(key, out var meta))
        {
            header.VR = meta.VR;
        }
        else if (key.IsPrivate && key.Element >= 0x1000)
        {
            header.VR = PrivateVR(frame, tag, length, out header.MaybeSequence);
        }
        else if (tag == PixelDataTag && length == UndefinedLength)
        {
            // Encapsulated Pixel Data is OB (PS3.5 A.4), also in a data set that leaves out the VRs its transfer syntax promises.
            header.VR = DicomVR.OB;
        }
        else
        {
            header.VR = DicomDictionary.GetImplicitVR(key, frame.PixelRepresentation);
        }
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
}
