using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Json;

namespace DicomWebArchive.Core.Store;

/// <summary>The precomputed DICOM JSON of an instance, GZip-compressed, served by the metadata fast path.</summary>
internal static class InstanceMetadata
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="instancePath">The instance's path relative to the DICOMweb root (studies/{s}/series/{se}/instances/{i}).</param>
    public static byte[] Create(DicomDataset dataset, string instancePath, int bulkDataThreshold)
    {
        // BulkDataURIs are relative to the DICOMweb root so the stored JSON survives a change of host or base path.
        var options = new DicomJsonOptions
        {
            BulkDataThreshold = bulkDataThreshold,
            BulkDataUri = reference => $"{instancePath}/bulkdata/{reference}",
        };
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip, WriterOptions))
        {
            DicomJsonWriter.WriteDataset(writer, dataset, options);
        }
        return buffer.ToArray();
    }
}
