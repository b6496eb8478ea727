using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// A media type or media range with its parameters (RFC 9110 §8.3.1, §12.5.1) and the DICOM parameters of PS3.18
/// §8.7: <c>type</c> (the part type of multipart/related) and <c>transfer-syntax</c>. The one parser for Content-Type,
/// Accept and the <c>accept</c> query parameter. Parsed leniently: DICOMweb clients commonly send
/// <c>type=application/dicom</c> unquoted, which strict parsers reject because '/' is not a token character.
/// </summary>
internal sealed record MediaType(string Name, IReadOnlyDictionary<string, string> Parameters, double Quality)
{
    /// <summary>The transfer-syntax parameter value that accepts whatever syntax is stored.</summary>
    public const string AnyTransferSyntax = "*";

    private static readonly MediaType Anything = new("*/*", new Dictionary<string, string>(), 1);

    public string? this[string parameter] => Parameters.GetValueOrDefault(parameter);

    public bool Is(string name) => Name.Equals(name, StringComparison.OrdinalIgnoreCase);

    public bool IsMultipart => Name == "multipart/related";

    /// <summary>The multipart part type, lower case.</summary>
    public string? PartType => this["type"]?.ToLowerInvariant();

    public string? TransferSyntax => this["transfer-syntax"];

    /// <summary>True when this range admits <paramref name="mediaType"/> ("type/subtype"), wildcards included.</summary>
    public bool Admits(string mediaType) => Matches(Name, mediaType);

    public MediaType WithTransferSyntax(string syntax) =>
        this with { Parameters = new Dictionary<string, string>(Parameters, StringComparer.OrdinalIgnoreCase) { ["transfer-syntax"] = syntax } };

    public static bool Matches(string range, string mediaType)
    {
        if (range is "*/*" || string.Equals(range, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return range.EndsWith("/*", StringComparison.Ordinal)
            && mediaType.StartsWith(range.AsSpan(0, range.Length - 1), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One media type; null for text that is not one.</summary>
    public static MediaType? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var segments = Split(text, ';');
        string name = segments[0].Trim().ToLowerInvariant();
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == name.Length - 1 || name.AsSpan(slash + 1).Contains('/') || name.AsSpan().ContainsAny(" \t\",".AsSpan()))
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
                // A weight that is not a number is ignored rather than taken as a refusal.
                quality = double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q) ? Math.Min(q, 1) : 1;
            }
            else
            {
                parameters.TryAdd(key, value);
            }
        }
        return new MediaType(name, parameters, quality);
    }

    /// <summary>
    /// The ranges of <paramref name="acceptQuery"/> when given (it overrides the header, PS3.18 §8.3.3.1), else of the
    /// Accept header values, best first (stable for equal weights); q=0 ranges and text that is no media range are
    /// dropped. No Accept at all is */*.
    /// </summary>
    public static IReadOnlyList<MediaType> ParseAccept(StringValues acceptHeader, string? acceptQuery = null)
    {
        StringValues values = !string.IsNullOrWhiteSpace(acceptQuery) ? new StringValues(acceptQuery) : acceptHeader;
        if (StringValues.IsNullOrEmpty(values) || values.All(string.IsNullOrWhiteSpace))
        {
            return [Anything];
        }
        var ranges = new List<MediaType>();
        foreach (var value in values)
        {
            foreach (var item in Split(value ?? "", ','))
            {
                if (Parse(item) is { Quality: > 0 } range)
                {
                    ranges.Add(range);
                }
            }
        }
        // OrderByDescending is stable: equal weights keep the client's order.
        return [.. ranges.OrderByDescending(r => r.Quality)];
    }

    /// <summary>The request's Accept header, or its accept query parameter when present.</summary>
    public static IReadOnlyList<MediaType> ParseAccept(HttpRequest request) =>
        ParseAccept(request.Headers.Accept, request.Query["accept"].ToString());

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
