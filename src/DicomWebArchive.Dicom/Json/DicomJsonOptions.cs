namespace DicomWebArchive.Dicom.Json;

/// <summary>How <see cref="DicomJsonWriter"/> writes binary and large values.</summary>
public sealed record DicomJsonOptions
{
    public static DicomJsonOptions Default { get; } = new();

    /// <summary>
    /// Binary values (OB OD OF OL OV OW UN) up to this many bytes are written as InlineBinary; larger
    /// ones go to <see cref="BulkDataUri"/>. Values that were not loaded always go to it.
    /// </summary>
    public long BulkDataThreshold { get; init; } = 1024;

    /// <summary>
    /// Makes the BulkDataURI of a value. Returning null (or leaving this unset) writes the value as
    /// InlineBinary when it is loaded, otherwise the attribute is written with its VR only.
    /// </summary>
    public Func<BulkDataReference, string?>? BulkDataUri { get; init; }
}

/// <summary>One step from a data set into a sequence item: the sequence's tag and the item's zero-based index.</summary>
public readonly record struct DicomSequenceStep(DicomTag SequenceTag, int ItemIndex);

/// <summary>A value the JSON writer would rather reference than inline: where it sits in the data set and in the stream.</summary>
public sealed class BulkDataReference
{
    internal BulkDataReference(int datasetIndex, DicomSequenceStep[] sequencePath, DicomElement element)
    {
        DatasetIndex = datasetIndex;
        SequencePath = sequencePath;
        Element = element;
    }

    /// <summary>Index of the data set within the array being written (0 for a single data set).</summary>
    public int DatasetIndex { get; }

    /// <summary>Enclosing sequences and item indexes, outermost first; empty for a top-level attribute.</summary>
    public IReadOnlyList<DicomSequenceStep> SequencePath { get; }

    public DicomElement Element { get; }

    public DicomTag Tag => Element.Tag;

    /// <summary>Offset of the first value byte in the original stream.</summary>
    public long Offset => Element.ValueOffset;

    public long Length => Element.ValueLength;

    /// <summary>The path as "SSSSSSSS/i/.../TTTTTTTT" (tags in hex, item indexes in decimal), handy for URIs.</summary>
    public override string ToString()
    {
        if (SequencePath.Count == 0)
        {
            return Tag.ToString();
        }
        return string.Join('/', SequencePath.Select(step => $"{step.SequenceTag}/{step.ItemIndex}")) + "/" + Tag;
    }
}
