namespace DicomWebArchive.Dicom.Writing;

/// <summary>How <see cref="DicomPart10Writer"/> encodes sequences and where it finds values the reader did not load.</summary>
public sealed record DicomPart10WriterOptions
{
    public static DicomPart10WriterOptions Default { get; } = new();

    /// <summary>Write sequences and items with defined lengths (computed) instead of undefined lengths with delimiters.</summary>
    public bool DefinedLengthSequences { get; init; }

    /// <summary>Media Storage SOP Class UID (0002,0002) when the data set has no SOP Class UID of its own (a DICOMDIR); null: the data set's.</summary>
    public string? MediaStorageSopClassUid { get; init; }

    /// <summary>Media Storage SOP Instance UID (0002,0003) when the data set has no SOP Instance UID of its own; null: the data set's.</summary>
    public string? MediaStorageSopInstanceUid { get; init; }

    /// <summary>Source AE Title (0002,0016) for the meta group; omitted when null.</summary>
    public string? SourceApplicationEntityTitle { get; init; }

    /// <summary>
    /// Opens the bytes of a value that was not loaded (<see cref="DicomElement.IsValueLoaded"/> false),
    /// positioned at <see cref="DicomElement.ValueOffset"/>; the writer copies <see cref="DicomElement.ValueLength"/>
    /// bytes and disposes the stream. Without it such elements make the writer throw.
    /// </summary>
    public Func<DicomElement, Stream>? OpenValue { get; init; }

    /// <summary>The bytes <see cref="OpenValue"/> gives are big endian (the source is Explicit VR Big Endian): the writer swaps them per VR.</summary>
    public bool OpenValueIsBigEndian { get; init; }
}
