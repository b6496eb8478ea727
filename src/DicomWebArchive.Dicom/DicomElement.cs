namespace DicomWebArchive.Dicom;

/// <summary>
/// One data element as read from a stream. Values are kept as raw bytes, always little-endian
/// (the reader swaps big-endian input), including any padding byte.
/// </summary>
public sealed class DicomElement
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long valueOffset, long valueLength)
    {
        Tag = tag;
        VR = vr;
        Value = value;
        ValueOffset = valueOffset;
        ValueLength = valueLength;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    /// <summary>The value bytes; empty when the value was not loaded (see <see cref="IsValueLoaded"/>) or is a sequence.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Position of the first value byte in the original (not inflated) stream; for deflated files, in the inflated data set.</summary>
    public long ValueOffset { get; }

    /// <summary>Value length in bytes; for undefined-length sequences and pixel data, the length actually spanned.</summary>
    public long ValueLength { get; }

    /// <summary>False when the value was larger than the reader's inline limit and was skipped; use <see cref="ValueOffset"/>/<see cref="ValueLength"/> to fetch it.</summary>
    public bool IsValueLoaded { get; init; } = true;

    /// <summary>Items of a sequence (SQ, or UN with undefined length read as implicit VR); null otherwise.</summary>
    public IReadOnlyList<DicomDataset>? Items { get; init; }

    /// <summary>Fragments of encapsulated pixel data (after the Basic Offset Table); null otherwise.</summary>
    public IReadOnlyList<ByteRange>? Fragments { get; init; }
}

/// <summary>A run of bytes in a stream.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;
}
