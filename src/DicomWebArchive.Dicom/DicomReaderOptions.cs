namespace DicomWebArchive.Dicom;

public enum PixelDataHandling
{
    /// <summary>Stop reading at Pixel Data; report its offset; do not touch its bytes. Native frame ranges are computed; encapsulated ones are not.</summary>
    Stop,

    /// <summary>Read through Pixel Data without keeping it, recording fragment and frame ranges, then read to the end of the stream.</summary>
    Scan,

    /// <summary>Load Pixel Data like any other value (small files, tests, conversions).</summary>
    Load,
}

public sealed record DicomReaderOptions
{
    public static DicomReaderOptions Default { get; } = new();

    public PixelDataHandling PixelData { get; init; } = PixelDataHandling.Stop;

    /// <summary>Values longer than this are skipped (offset and length kept) instead of loaded.</summary>
    public int MaxInlineValueLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>Maximum sequence nesting depth; deeper input is rejected as malformed.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Accept a stream without the "DICM" preamble/meta group (raw data set, guessing the transfer syntax).</summary>
    public bool AllowMissingMeta { get; init; } = true;
}
