namespace DicomWebArchive.Dicom;

/// <summary>Input that is not valid DICOM; <see cref="Offset"/> is the byte position in the stream where it went wrong.</summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})") => Offset = offset;

    public DicomFormatException(string message, long offset, Exception inner)
        : base($"{message} (at byte offset {offset})", inner) => Offset = offset;

    public long Offset { get; }
}
