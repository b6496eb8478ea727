using System.Globalization;
using System.Text.Json;

namespace DicomWebArchive.Cli.Upload;

/// <summary>One item of the PS3.18 store response: an instance stored (perhaps with a warning) or refused.</summary>
internal sealed record StoreResponseItem(string? SopInstanceUid, bool Stored, ushort? Reason, string? Comment)
{
    public string Describe() => Reason is { } reason
        ? $"0x{reason:X4} {StoreResponse.ReasonName(reason, Stored)}{(Comment is null ? "" : ": " + Comment)}"
        : Comment ?? "no reason given";
}

/// <summary>Reads the Store Instances Response (PS3.18 Annex I) in DICOM JSON, as every server sends it.</summary>
internal static class StoreResponse
{
    private const string ReferencedSopSequence = "00081199";
    private const string FailedSopSequence = "00081198";
    private const string ReferencedSopInstanceUid = "00081155";
    private const string FailureReason = "00081197";
    private const string WarningReason = "00081196";
    private const string ErrorComment = "00000902";

    /// <summary>The items of the response; null when the body is not a DICOM JSON object.</summary>
    public static List<StoreResponseItem>? Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1)
            {
                root = root[0];
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            string? comment = Value(root, ErrorComment);
            var items = new List<StoreResponseItem>();
            foreach (var item in Items(root, ReferencedSopSequence))
            {
                items.Add(new StoreResponseItem(Value(item, ReferencedSopInstanceUid), true, Number(item, WarningReason), Value(item, ErrorComment)));
            }
            foreach (var item in Items(root, FailedSopSequence))
            {
                items.Add(new StoreResponseItem(Value(item, ReferencedSopInstanceUid), false, Number(item, FailureReason), Value(item, ErrorComment) ?? comment));
            }
            return items;
        }
    }

    public static string ReasonName(ushort reason, bool warning) => reason switch
    {
        0x0107 => "attribute list error",
        0x0110 => "processing failure",
        0x0111 => "duplicate SOP instance with different content",
        0x0112 => "no such object instance",
        0x0116 => "attribute value out of range",
        0x0117 => "invalid object instance",
        0x0122 => "SOP class not supported",
        0x0124 => "not authorized",
        0xA901 => "study UID differs from the request URL",
        0xB000 => "coercion of data elements",
        0xB006 => "elements discarded",
        0xB007 => "data set does not match SOP class",
        0xC122 => "transfer syntax not supported",
        _ when (reason & 0xFF00) == 0xA700 => "out of resources",
        _ when (reason & 0xFF00) == 0xA900 => warning ? "data set does not match SOP class" : "data set does not match SOP class (missing or invalid UIDs)",
        _ when (reason & 0xF000) == 0xC000 => "cannot understand",
        _ => "unknown reason",
    };

    private static IEnumerable<JsonElement> Items(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var sequence) && sequence.TryGetProperty("Value", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object).ToList()
            : [];

    private static string? Value(JsonElement item, string tag) =>
        First(item, tag) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static ushort? Number(JsonElement item, string tag) => First(item, tag) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetUInt16(out ushort v) => v,
        // Some servers write US values as strings, decimal or hexadecimal.
        { ValueKind: JsonValueKind.String } s when ushort.TryParse(s.GetString(), CultureInfo.InvariantCulture, out ushort v) => v,
        { ValueKind: JsonValueKind.String } s when s.GetString() is { } text && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ushort v) => v,
        _ => null,
    };

    private static JsonElement? First(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var element) && element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("Value", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0
            ? values[0]
            : null;
}
