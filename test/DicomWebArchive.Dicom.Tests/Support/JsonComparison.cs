using System.Text.Json.Nodes;

namespace DicomWebArchive.Dicom.Tests.Support;

/// <summary>Structural comparison of two DICOM JSON documents; numbers compare by value (DS text "5.000000" equals 5).</summary>
internal static class JsonComparison
{
    public static List<string> Differences(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", null, differences);
        return differences;
    }

    /// <param name="vr">VR of the attribute being compared: FL values compare as 32-bit floats, since their decimal spelling varies with the writer's precision.</param>
    private static void Compare(JsonNode? expected, JsonNode? actual, string path, string? vr, List<string> differences)
    {
        switch (expected, actual)
        {
            case (null, null):
                return;
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: missing in ours (expected {value?.ToJsonString()})");
                    }
                    else
                    {
                        Compare(value, a[key], $"{path}.{key}", e["vr"] is JsonValue v ? v.GetValue<string>() : vr, differences);
                    }
                }
                foreach (var (key, value) in a)
                {
                    if (!e.ContainsKey(key))
                    {
                        differences.Add($"{path}.{key}: not expected (ours {value?.ToJsonString()})");
                    }
                }
                return;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: {e.Count} entries expected, ours has {a.Count} ({Short(e)} vs {Short(a)})");
                    return;
                }
                for (int i = 0; i < e.Count; i++)
                {
                    Compare(e[i], a[i], $"{path}[{i}]", vr, differences);
                }
                return;
            case (JsonValue e, JsonValue a):
                if (e.GetValueKind() == System.Text.Json.JsonValueKind.Number && a.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    bool equal = vr == "FL"
                        ? (float)e.GetValue<double>() == (float)a.GetValue<double>()
                        : e.GetValue<double>() == a.GetValue<double>();
                    if (!equal)
                    {
                        differences.Add($"{path}: {e.ToJsonString()} expected, ours {a.ToJsonString()}");
                    }
                    return;
                }
                if (e.ToJsonString() != a.ToJsonString())
                {
                    differences.Add($"{path}: {Short(e)} expected, ours {Short(a)}");
                }
                return;
            default:
                differences.Add($"{path}: {Short(expected)} expected, ours {Short(actual)}");
                return;
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 160 ? text[..160] + "…" : text;
    }

    /// <summary>Removes a key at every depth (e.g. Specific Character Set, which dcm2json rewrites).</summary>
    public static void RemoveEverywhere(JsonNode? node, string key)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove(key);
                foreach (var (_, value) in o)
                {
                    RemoveEverywhere(value, key);
                }
                break;
            case JsonArray a:
                foreach (var value in a)
                {
                    RemoveEverywhere(value, key);
                }
                break;
        }
    }
}
