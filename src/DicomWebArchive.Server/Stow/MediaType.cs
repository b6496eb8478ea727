using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Stow;

/// <summary>
/// A media type with parameters, parsed leniently: DICOMweb clients commonly send <c>type=application/dicom</c>
/// unquoted, which strict RFC 9110 parsers reject because '/' is not a token character.
/// </summary>
internal sealed record MediaType(string Name, IReadOnlyDictionary<string, string> Parameters, double Quality)
{
    public string? this[string parameter] => Parameters.GetValueOrDefault(parameter);

    public bool Is(string name) => Name.Equals(name, StringComparison.OrdinalIgnoreCase);

    public static MediaType? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var segments = Split(text, ';');
        string name = segments[0].Trim();
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == name.Length - 1 || name.AsSpan().ContainsAny(" \t\",".AsSpan()))
        {
            return null;
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        double quality = 1;
        foreach (var segment in segments.Skip(1))
        {
            int equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            string key = segment[..equals].Trim();
            string value = Unquote(segment[(equals + 1)..].Trim());
            if (key.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                quality = double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q) ? Math.Clamp(q, 0, 1) : 0;
            }
            else
            {
                parameters.TryAdd(key, value);
            }
        }
        return new MediaType(name.ToLowerInvariant(), parameters, quality);
    }

    /// <summary>Every media range of Accept header values; unparseable ranges are skipped.</summary>
    public static List<MediaType> ParseList(StringValues values)
    {
        var result = new List<MediaType>();
        foreach (var value in values)
        {
            foreach (var item in Split(value ?? "", ','))
            {
                if (Parse(item) is { } mediaType)
                {
                    result.Add(mediaType);
                }
            }
        }
        return result;
    }

    // Splits at separators outside double quotes.
    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '\\' && quoted)
            {
                i++;
            }
            else if (c == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        return value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }
}
