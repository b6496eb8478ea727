using System.Diagnostics.CodeAnalysis;

namespace DicomWebArchive.Dicom;

/// <summary>Throw sites kept out of the parsing methods so those stay small and inlinable.</summary>
internal static class DicomReaderThrow
{
    [DoesNotReturn]
    public static void Format(string message, long offset) => throw new DicomFormatException(message, offset);

    [DoesNotReturn]
    public static void Truncated(long offset, long missing) =>
        throw new DicomFormatException($"Unexpected end of data: {missing} more byte(s) needed", offset);

    [DoesNotReturn]
    public static void Element(string message, uint tag, long offset) =>
        throw new DicomFormatException($"({tag >> 16:X4},{tag & 0xFFFF:X4}): {message}", offset);
}
