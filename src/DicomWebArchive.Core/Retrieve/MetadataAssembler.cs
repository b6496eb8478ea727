using System.Buffers;
using System.IO.Compression;
using System.Text;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// Serves metadata from the precomputed per-instance DICOM JSON: a JSON array made by concatenating the
/// decompressed objects, with every stored BulkDataURI (relative to the DICOMweb root) prefixed so it resolves.
/// No DICOM is parsed and no JSON is re-serialized.
/// </summary>
internal static class MetadataAssembler
{
    // Utf8JsonWriter escapes quotes inside strings, so this byte sequence only occurs as the property itself.
    private static readonly byte[] BulkDataUriProperty = "\"BulkDataURI\":\""u8.ToArray();

    /// <summary>Writes the instances' metadata as one JSON array to <paramref name="output"/>.</summary>
    public static async Task WriteArrayAsync(Stream output, IReadOnlyList<InstanceContent> instances, string uriPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(instances);
        byte[] prefix = Encoding.UTF8.GetBytes(EscapeForJson(uriPrefix));
        var json = new ArrayBufferWriter<byte>(16 * 1024);
        await output.WriteAsync("["u8.ToArray(), cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < instances.Count; i++)
        {
            json.ResetWrittenCount();
            if (i > 0)
            {
                json.Write(","u8);
            }
            Decompress(instances[i].MetadataJson, json);
            await WriteWithPrefixAsync(output, json.WrittenMemory, prefix, cancellationToken).ConfigureAwait(false);
        }
        await output.WriteAsync("]"u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One instance's metadata as a DICOM JSON object, BulkDataURIs prefixed with <paramref name="uriPrefix"/>.</summary>
    public static byte[] Expand(byte[] compressed, string uriPrefix)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        var json = new ArrayBufferWriter<byte>(16 * 1024);
        Decompress(compressed, json);
        using var output = new MemoryStream(json.WrittenCount + 256);
        WriteWithPrefixAsync(output, json.WrittenMemory, Encoding.UTF8.GetBytes(EscapeForJson(uriPrefix)), CancellationToken.None).GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static void Decompress(byte[] compressed, ArrayBufferWriter<byte> target)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
        while (true)
        {
            int read = gzip.Read(target.GetSpan(16 * 1024));
            if (read == 0)
            {
                return;
            }
            target.Advance(read);
        }
    }

    private static async Task WriteWithPrefixAsync(Stream output, ReadOnlyMemory<byte> json, byte[] prefix, CancellationToken cancellationToken)
    {
        while (true)
        {
            int at = json.Span.IndexOf(BulkDataUriProperty);
            if (at < 0)
            {
                await output.WriteAsync(json, cancellationToken).ConfigureAwait(false);
                return;
            }
            int end = at + BulkDataUriProperty.Length;
            await output.WriteAsync(json[..end], cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
            json = json[end..];
        }
    }

    private static string EscapeForJson(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
