namespace DicomWebArchive.Dicom;

/// <summary>Reads DICOM Part 10 files (or bare data sets) from a stream, forward only.</summary>
public static partial class DicomReader
{
    /// <summary>
    /// Reads the meta group and the data set up to (and per <see cref="DicomReaderOptions.PixelData"/>, through)
    /// Pixel Data. Reads the stream forward only, never seeks, and never allocates from an untrusted length.
    /// </summary>
    /// <exception cref="DicomFormatException">The input is not valid DICOM.</exception>
    public static ValueTask<DicomFile> ReadAsync(Stream stream, DicomReaderOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
