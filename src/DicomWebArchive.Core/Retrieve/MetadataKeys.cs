using System.IO.Compression;
using System.Text.Json;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// Attributes of an instance taken from its stored DICOM JSON (PS3.18 Annex F) back into DICOM elements, for the
/// directory keys the index has no column for. Text, numbers, person names and sequences of them come back; binary
/// values (InlineBinary, BulkDataURI) do not, and read as empty.
/// </summary>
internal sealed class MetadataKeys : IDisposable
{
    private readonly JsonDocument _document;

    private MetadataKeys(JsonDocument document) => _document = document;

    public static MetadataKeys Open(InstanceRecord record)
    {
        using var gzip = new GZipStream(new MemoryStream(record.MetadataJson, writable: false), CompressionMode.Decompress);
        return new MetadataKeys(JsonDocument.Parse(gzip));
    }

    /// <summary>Adds the attribute when the instance has it; returns false when it does not.</summary>
    public bool TryAdd(DicomDatasetBuilder builder, DicomTag tag) =>
        _document.RootElement.ValueKind == JsonValueKind.Object
        && _document.RootElement.TryGetProperty(tag.ToString(), out var attribute)
        && TryAdd(builder, tag, attribute);

    public void Dispose() => _document.Dispose();

    private static bool TryAdd(DicomDatasetBuilder builder, DicomTag tag, JsonElement attribute)
    {
        if (attribute.ValueKind != JsonValueKind.Object
            || !attribute.TryGetProperty("vr", out var vrText)
            || !DicomVRExtensions.TryParse(vrText.GetString() ?? "", out var vr))
        {
            return false;
        }
        var values = attribute.TryGetProperty("Value", out var array) && array.ValueKind == JsonValueKind.Array ? array : default;
        if (vr == DicomVR.SQ)
        {
            var items = values.ValueKind == JsonValueKind.Array
                ? values.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).Select(Item).ToArray()
                : [];
            builder.AddSequence(tag, items);
            return true;
        }
        if (values.ValueKind != JsonValueKind.Array)
        {
            builder.AddBytes(tag, vr, []);
            return true;
        }
        switch (vr)
        {
            case DicomVR.US:
                builder.AddUInt16(tag, [.. values.EnumerateArray().Select(v => v.GetUInt16())]);
                return true;
            case DicomVR.SS:
                builder.AddInt16(tag, [.. values.EnumerateArray().Select(v => v.GetInt16())]);
                return true;
            case DicomVR.UL:
                builder.AddUInt32(tag, [.. values.EnumerateArray().Select(v => v.GetUInt32())]);
                return true;
            case DicomVR.SL:
                builder.AddInt32(tag, [.. values.EnumerateArray().Select(v => v.GetInt32())]);
                return true;
            case DicomVR.FL:
                builder.AddFloat(tag, [.. values.EnumerateArray().Select(v => v.GetSingle())]);
                return true;
            case DicomVR.FD:
                builder.AddDouble(tag, [.. values.EnumerateArray().Select(v => v.GetDouble())]);
                return true;
            case DicomVR.PN:
                builder.AddString(tag, vr, string.Join('\\', values.EnumerateArray().Select(PersonName)));
                return true;
            case var _ when vr.IsString():
                builder.AddString(tag, vr, string.Join('\\', values.EnumerateArray().Select(Text)));
                return true;
            default:
                builder.AddBytes(tag, vr, []);
                return true;
        }
    }

    private static DicomDatasetBuilder Item(JsonElement item)
    {
        var builder = new DicomDatasetBuilder();
        foreach (var property in item.EnumerateObject())
        {
            if (DicomTag.TryParse(property.Name, out var tag))
            {
                TryAdd(builder, tag, property.Value);
            }
        }
        return builder;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        _ => "",
    };

    private static string PersonName(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Text(value);
        }
        string[] groups = ["Alphabetic", "Ideographic", "Phonetic"];
        var parts = groups.Select(g => value.TryGetProperty(g, out var part) ? part.GetString() ?? "" : "").ToArray();
        return string.Join('=', parts).TrimEnd('=');
    }
}
