namespace DicomWebArchive.Dicom;

/// <summary>The result of reading a DICOM stream: file meta group, data set header, and where the pixel data lies.</summary>
public sealed class DicomFile
{
    public required DicomDataset Meta { get; init; }

    public required DicomDataset Dataset { get; init; }

    public required TransferSyntax TransferSyntax { get; init; }

    /// <summary>True when the stream started with a 128-byte preamble and "DICM".</summary>
    public bool HasPreamble { get; init; }

    /// <summary>Offset of the first data set byte (after the meta group) in the stream.</summary>
    public long DatasetOffset { get; init; }

    /// <summary>Pixel Data (7FE0,0010), float or double float pixel data; null when the data set has none.</summary>
    public PixelDataInfo? PixelData { get; init; }

    /// <summary>Bytes consumed from the stream by the reader.</summary>
    public long BytesRead { get; init; }
}

/// <summary>Where Pixel Data lies in the stream and where each frame is.</summary>
public sealed class PixelDataInfo
{
    public required DicomTag Tag { get; init; }

    public required DicomVR VR { get; init; }

    /// <summary>Offset of the first value byte (for encapsulated data, of the Basic Offset Table item tag).</summary>
    public required long ValueOffset { get; init; }

    /// <summary>Declared length, or -1 for undefined length (encapsulated).</summary>
    public required long ValueLength { get; init; }

    public required bool IsEncapsulated { get; init; }

    /// <summary>
    /// Byte ranges of each frame in the stream: one range for native frames; for encapsulated data
    /// the value ranges of the fragments holding that frame (item headers excluded). Empty when the
    /// frames could not be located (pixel data not scanned, deflated stream, or unknown geometry).
    /// </summary>
    public required IReadOnlyList<ByteRange[]> Frames { get; init; }
}
