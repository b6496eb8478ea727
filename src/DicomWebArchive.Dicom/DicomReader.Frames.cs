using System.Buffers.Binary;
using System.Globalization;

namespace DicomWebArchive.Dicom;

public static partial class DicomReader
{
    private static PixelDataInfo DescribePixelData(DicomDatasetReader.PixelDataCapture pixels, DicomDataset dataset, bool deflated)
    {
        IReadOnlyList<ByteRange[]> frames = [];
        if (!deflated)
        {
            frames = pixels.IsEncapsulated
                ? EncapsulatedFrames(pixels, dataset)
                : NativeFrames(pixels, dataset);
        }
        return new PixelDataInfo
        {
            Tag = pixels.Tag,
            VR = pixels.VR,
            ValueOffset = pixels.ValueOffset,
            ValueLength = pixels.ValueLength,
            IsEncapsulated = pixels.IsEncapsulated,
            Frames = frames,
        };
    }

    /// <summary>
    /// Frame i spans Rows×Columns×SamplesPerPixel×BitsAllocated bits from bit i×that (two samples
    /// per pixel for YBR_FULL_422 and YBR_PARTIAL_422). With
    /// BitsAllocated 1 a frame need not start on a byte boundary: its range then covers every byte
    /// holding one of its bits (neighbouring frames share a byte) and the reader of the range
    /// starts at bit (i×frame bits) mod 8. Empty when the geometry is missing or exceeds the value.
    /// </summary>
    private static IReadOnlyList<ByteRange[]> NativeFrames(DicomDatasetReader.PixelDataCapture pixels, DicomDataset dataset)
    {
        Int128 rows = GetUInt16(dataset, DicomTags.Rows);
        Int128 columns = GetUInt16(dataset, DicomTags.Columns);
        Int128 samples = GetUInt16(dataset, DicomTags.SamplesPerPixel, 1);
        Int128 bits = GetUInt16(dataset, DicomTags.BitsAllocated, pixels.VR.ValueSize() * 8);
        long count = GetNumberOfFrames(dataset);
        Int128 frameBits = rows * columns * samples * bits;
        if (samples == 3 && IsHorizontallySubsampled(dataset))
        {
            // Two pixels share one Cb and one Cr sample (PS3.3 C.7.6.3.1.2): two samples per pixel.
            frameBits = rows * columns * 2 * bits;
        }
        if (frameBits == 0 || count <= 0 || (count * frameBits + 7) / 8 > pixels.ValueLength)
        {
            return [];
        }
        // Computed on access: the declared length is not verified in Stop mode, so the frame
        // count must not size an allocation.
        return new NativeFrameList(pixels.ValueOffset, (long)frameBits, (int)Math.Min(count, int.MaxValue));
    }

    private sealed class NativeFrameList(long offset, long frameBits, int count) : IReadOnlyList<ByteRange[]>
    {
        public int Count => count;

        public ByteRange[] this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
                long first = index * frameBits / 8;
                long end = ((index + 1) * frameBits + 7) / 8;
                return [new ByteRange(offset + first, end - first)];
            }
        }

        public IEnumerator<ByteRange[]> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Frames from the Extended Offset Table, else the Basic Offset Table, else: one fragment per
    /// frame when the counts agree, all fragments for a single frame, or a split at the fragments
    /// that open a JPEG/JPEG 2000/JPEG XL code stream when there is one per frame. Empty otherwise.
    /// </summary>
    private static ByteRange[][] EncapsulatedFrames(DicomDatasetReader.PixelDataCapture pixels, DicomDataset dataset)
    {
        var fragments = pixels.Fragments;
        if (fragments is null || fragments.Length == 0)
        {
            return [];
        }
        long count = GetNumberOfFrames(dataset);
        var starts = StartsFromOffsetTable(ReadExtendedOffsets(dataset), fragments)
            ?? StartsFromOffsetTable(pixels.BasicOffsetTable, fragments);
        if (starts is null)
        {
            if (count == fragments.Length)
            {
                starts = new int[fragments.Length];
                for (int i = 0; i < starts.Length; i++)
                {
                    starts[i] = i;
                }
            }
            else if (count == 1)
            {
                starts = [0];
            }
            else
            {
                starts = StartsFromMarkers(pixels.FragmentStartsFrame, count);
            }
        }
        if (starts is null)
        {
            return [];
        }
        var frames = new ByteRange[starts.Length][];
        for (int i = 0; i < starts.Length; i++)
        {
            int end = i + 1 < starts.Length ? starts[i + 1] : fragments.Length;
            frames[i] = fragments[starts[i]..end];
        }
        return frames;
    }

    // Offsets count from the first byte of the first fragment's item tag; each must land on an item tag.
    private static int[]? StartsFromOffsetTable(ulong[]? offsets, ByteRange[] fragments)
    {
        if (offsets is null || offsets.Length == 0)
        {
            return null;
        }
        long origin = fragments[0].Offset - 8;
        var starts = new int[offsets.Length];
        int fragment = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            long itemStart = origin + (long)Math.Min(offsets[i], long.MaxValue / 2);
            while (fragment < fragments.Length && fragments[fragment].Offset - 8 < itemStart)
            {
                fragment++;
            }
            if (fragment == fragments.Length || fragments[fragment].Offset - 8 != itemStart || (i > 0 && fragment == starts[i - 1]))
            {
                return null;
            }
            starts[i] = fragment;
        }
        return starts[0] == 0 ? starts : null;
    }

    private static int[]? StartsFromOffsetTable(uint[]? offsets, ByteRange[] fragments)
    {
        if (offsets is null)
        {
            return null;
        }
        var wide = new ulong[offsets.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            wide[i] = offsets[i];
        }
        return StartsFromOffsetTable(wide, fragments);
    }

    private static int[]? StartsFromMarkers(bool[]? startsFrame, long count)
    {
        if (startsFrame is null || startsFrame.Length == 0 || !startsFrame[0])
        {
            return null;
        }
        var starts = new List<int>();
        for (int i = 0; i < startsFrame.Length; i++)
        {
            if (startsFrame[i])
            {
                starts.Add(i);
            }
        }
        return starts.Count == count ? [.. starts] : null;
    }

    private static ulong[]? ReadExtendedOffsets(DicomDataset dataset)
    {
        var table = dataset.Find(DicomTags.ExtendedOffsetTable);
        if (table is null || !table.IsValueLoaded || table.Value.Length == 0 || table.Value.Length % 8 != 0)
        {
            return null;
        }
        var span = table.Value.Span;
        var offsets = new ulong[span.Length / 8];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[(i * 8)..]);
        }
        return offsets;
    }

    private static bool IsHorizontallySubsampled(DicomDataset dataset)
    {
        var element = dataset.Find(DicomTags.PhotometricInterpretation);
        if (element is null || !element.IsValueLoaded)
        {
            return false;
        }
        var text = element.Value.Span.TrimEnd((byte)0).Trim((byte)' ');
        return text.SequenceEqual("YBR_FULL_422"u8) || text.SequenceEqual("YBR_PARTIAL_422"u8);
    }

    private static int GetUInt16(DicomDataset dataset, DicomTag tag, int fallback = 0)
    {
        var element = dataset.Find(tag);
        return element is { IsValueLoaded: true } && element.Value.Length >= 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(element.Value.Span)
            : fallback;
    }

    /// <summary>Number of Frames (IS); 1 when absent or empty, -1 when not a number.</summary>
    private static long GetNumberOfFrames(DicomDataset dataset)
    {
        var element = dataset.Find(DicomTags.NumberOfFrames);
        if (element is null || !element.IsValueLoaded)
        {
            return 1;
        }
        var text = element.Value.Span.Trim((byte)' ').TrimEnd((byte)0);
        if (text.IsEmpty)
        {
            return 1;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) ? count : -1;
    }
}
