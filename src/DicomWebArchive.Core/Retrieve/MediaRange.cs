using System.Globalization;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// One media range of an Accept header or accept query parameter (RFC 9110 §12.5.1), with the DICOM parameters
/// of PS3.18 §8.7: <c>type</c> (the part type of multipart/related) and <c>transfer-syntax</c>.
/// </summary>
public sealed record MediaRange(string MediaType, string? PartType, string? TransferSyntax, double Quality)
{
    public const string AnyTransferSyntax = "*";

    public bool IsMultipart => MediaType == "multipart/related";

    /// <summary>True when this range admits <paramref name="mediaType"/> ("type/subtype"), wildcards included.</summary>
    public bool Admits(string mediaType) => Matches(MediaType, mediaType);

    internal static bool Matches(string range, string mediaType)
    {
        if (range is "*/*" || string.Equals(range, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return range.EndsWith("/*", StringComparison.Ordinal)
            && mediaType.StartsWith(range.AsSpan(0, range.Length - 1), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The ranges of <paramref name="acceptQuery"/> when given (it overrides the header, PS3.18 §8.3.3.1), else of
    /// <paramref name="acceptHeader"/>, best first (stable for equal q); q=0 ranges are dropped. No header gives */*.
    /// </summary>
    public static IReadOnlyList<MediaRange> ParseList(string? acceptHeader, string? acceptQuery)
    {
        string? text = !string.IsNullOrWhiteSpace(acceptQuery) ? acceptQuery : acceptHeader;
        if (string.IsNullOrWhiteSpace(text))
        {
            return [new MediaRange("*/*", null, null, 1)];
        }
        var ranges = new List<MediaRange>();
        foreach (var item in Split(text, ','))
        {
            if (TryParse(item, out var range) && range.Quality > 0)
            {
                ranges.Add(range);
            }
        }
        // OrderBy is stable: equal weights keep the client's order.
        return [.. ranges.OrderByDescending(r => r.Quality)];
    }

    /// <summary>Parses one range; false for text that is not a media range (ignored, like unknown ranges).</summary>
    public static bool TryParse(string text, out MediaRange range)
    {
        range = null!;
        var pieces = Split(text, ';');
        if (pieces.Count == 0)
        {
            return false;
        }
        string mediaType = pieces[0].Trim().ToLowerInvariant();
        int slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == mediaType.Length - 1 || mediaType.AsSpan(slash + 1).Contains('/') || mediaType.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }
        string? partType = null, syntax = null;
        double quality = 1;
        for (int i = 1; i < pieces.Count; i++)
        {
            var piece = pieces[i];
            int equals = piece.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            string name = piece[..equals].Trim().ToLowerInvariant();
            string value = Unquote(piece[(equals + 1)..].Trim());
            switch (name)
            {
                case "type":
                    partType = value.ToLowerInvariant();
                    break;
                case "transfer-syntax":
                    syntax = value;
                    break;
                case "q":
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality) || quality > 1)
                    {
                        quality = 1;
                    }
                    break;
            }
        }
        range = new MediaRange(mediaType, partType, syntax, quality);
        return true;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : value;

    // Separators inside quoted strings (type="multipart/related; ...") do not split.
    private static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == separator && !quoted))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0)
                {
                    parts.Add(part);
                }
                start = i + 1;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
        }
        return parts;
    }
}
