using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>A bulk data value: its bytes when the header parse loaded them (little endian), else its ranges of the blob.</summary>
public sealed record BulkDataValue(ReadOnlyMemory<byte>? Inline, IReadOnlyList<ByteRange> Ranges, int SwapUnit);

/// <summary>
/// Finds the value a BulkDataURI names by reading the stored instance's header. Used for bulk data other than Pixel
/// Data (which the frame table locates); such values are small and rare, so one header parse per request is fine.
/// </summary>
public static class BulkDataLocator
{
    private static readonly DicomReaderOptions HeaderOptions = new() { PixelData = PixelDataHandling.Stop };
    private static readonly DicomReaderOptions WholeOptions = new() { PixelData = PixelDataHandling.Scan };
    private static readonly DicomReaderOptions InflatedOptions = new() { PixelData = PixelDataHandling.Load, MaxInlineValueLength = int.MaxValue };

    /// <summary>The value at <paramref name="path"/>, or null when the instance has no such binary value.</summary>
    public static async Task<BulkDataValue?> LocateAsync(Stream blob, TransferSyntax stored, BulkDataPath path, int bitsAllocated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(path);
        // Values after Pixel Data (trailing padding) and Pixel Data itself need a read past it.
        bool pastPixelData = (path.Steps.Count > 0 ? path.Steps[0].SequenceTag : path.Tag).Value >= DicomTags.FloatPixelData.Value;
        var options = stored.IsDeflated ? InflatedOptions : pastPixelData ? WholeOptions : HeaderOptions;
        DicomFile file;
        try
        {
            file = await DicomReader.ReadAsync(blob, options, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomFormatException)
        {
            // The blob was parsed at ingest; a failure here means the path ran into something the archive cannot serve.
            return null;
        }
        var element = path.Find(file.Dataset);
        if (element is null || element.Items is not null)
        {
            return null;
        }
        if (element.Fragments is { } fragments && !stored.IsDeflated)
        {
            return new BulkDataValue(null, [.. fragments], 1);
        }
        if (element.IsValueLoaded)
        {
            return new BulkDataValue(element.Value, [], 1);
        }
        int swap = stored.IsBigEndian ? InstanceTranscoder.SwapUnit(element, bitsAllocated) : 1;
        return new BulkDataValue(null, [new ByteRange(element.ValueOffset, element.ValueLength)], swap);
    }
}
