using System.Text.Json;

namespace DicomWebArchive.Cli.Query;

/// <summary>Reads values out of DICOM JSON (PS3.18 Annex F) results for display.</summary>
internal static class DicomJson
{
    /// <summary>The values of an attribute as text joined with "\" (a person name by its alphabetic form); null when absent or empty.</summary>
    public static string? Text(JsonElement dataset, string tag)
    {
        if (!dataset.TryGetProperty(tag, out var element) || element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("Value", out var values) || values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
        {
            return null;
        }
        var texts = values.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.Object when v.TryGetProperty("Alphabetic", out var name) => name.GetString(),
            _ => null,
        });
        return string.Join('\\', texts);
    }

    /// <summary>The first value of a UI/CS/... attribute; null when absent.</summary>
    public static string? First(JsonElement dataset, string tag) => Text(dataset, tag)?.Split('\\')[0];
}
