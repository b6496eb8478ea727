using System.Text.Json.Nodes;

namespace DicomWebArchive.Testing;

/// <summary>Paths where two JSON trees differ, for readable failure messages.</summary>
public static class JsonDiff
{
    public static List<string> Differences(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", differences);
        return differences;
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case JsonObject e when actual is JsonObject a:
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    Compare(e[name], a[name], $"{path}.{name}", differences);
                }
                break;
            case JsonArray e when actual is JsonArray a && e.Count == a.Count:
                for (int i = 0; i < e.Count; i++)
                {
                    Compare(e[i], a[i], $"{path}[{i}]", differences);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}");
                }
                break;
        }
    }
}
