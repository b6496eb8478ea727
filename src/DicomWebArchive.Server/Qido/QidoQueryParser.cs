using System.Globalization;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Qido;

/// <summary>A parsed QIDO-RS request: the search, and the Warning header values (PS3.18 §8.3.4) to send with its answer.</summary>
internal sealed record QidoRequest(SearchQuery Query, IReadOnlyList<string> Warnings);

/// <summary>Turns QIDO-RS query parameters (PS3.18 §8.3.4) into a <see cref="SearchQuery"/>, rejecting what cannot be answered.</summary>
internal sealed class QidoQueryParser(int defaultLimit, int maxLimit, string serviceBase)
{
    private const int MaxValueLength = 4096;

    /// <param name="resolveKeyword">Keyword → tag for attributes outside the index (the data dictionary).</param>
    public QidoRequest Parse(QueryLevel level, string? studyUid, string? seriesUid,
        IEnumerable<KeyValuePair<string, StringValues>> parameters, Func<string, DicomTag?> resolveKeyword)
    {
        var flags = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase)
        {
            ["fuzzymatching"] = false,
            ["emptyvaluematching"] = false,
            ["multiplevaluematching"] = false,
        };
        var raw = new List<(string Key, string Value)>();
        foreach (var (key, values) in parameters)
        {
            foreach (var value in values)
            {
                raw.Add((key, value ?? ""));
            }
        }

        int? limit = null;
        var offset = 0;
        var includeAll = false;
        var includeFields = new List<DicomTag>();
        var warnings = new List<string>();
        var keys = new List<(string Key, string Value)>();
        foreach (var (key, value) in raw)
        {
            switch (key.ToLowerInvariant())
            {
                case "limit":
                    limit = ParseCount(key, value, min: 1);
                    break;
                case "offset":
                    offset = ParseCount(key, value, min: 0);
                    break;
                case "fuzzymatching" or "emptyvaluematching" or "multiplevaluematching":
                    flags[key] = value.ToLowerInvariant() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new QueryException($"{key} must be 'true' or 'false', not '{Shorten(value)}'."),
                    };
                    break;
                case "includefield":
                    foreach (var field in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (field.Equals("all", StringComparison.OrdinalIgnoreCase))
                        {
                            includeAll = true;
                        }
                        else
                        {
                            includeFields.Add(ResolveTag(field, resolveKeyword) ?? throw new QueryException($"includefield '{Shorten(field)}' is not a DICOM keyword or tag."));
                        }
                    }
                    break;
                case "accept" or "charset":
                    break; // media type negotiation, handled by the endpoint
                default:
                    keys.Add((key, value));
                    break;
            }
        }

        if (limit > maxLimit)
        {
            warnings.Add($"299 {serviceBase}: The limit {limit} exceeds the maximum of {maxLimit}; at most {maxLimit} results are returned.");
            limit = maxLimit;
        }

        var matches = new List<QueryMatch>();
        foreach (var (key, value) in keys)
        {
            if (key.Contains('.', StringComparison.Ordinal))
            {
                throw new QueryException($"Sequence matching ('{Shorten(key)}') is not supported.");
            }
            var tag = ResolveTag(key, resolveKeyword) ?? throw new QueryException($"'{Shorten(key)}' is not a query parameter, DICOM keyword or tag.");
            var attribute = QueryAttributes.Find(tag);
            if (attribute is null)
            {
                // Not indexed: PS3.18 lets a server ignore a key it does not support; the attribute is still returned.
                warnings.Add($"299 {serviceBase}: The attribute {key} is not supported as a search key; it was ignored for matching.");
                includeFields.Add(tag);
                continue;
            }
            if (attribute.Level > level)
            {
                throw new QueryException($"{attribute.Keyword} is a {attribute.Level.ToString().ToLowerInvariant()}-level attribute; it cannot be matched in a {level.ToString().ToLowerInvariant()} search.");
            }
            if (value.Length > MaxValueLength)
            {
                throw new QueryException($"The value of {attribute.Keyword} is longer than {MaxValueLength} characters.");
            }
            includeFields.Add(tag);
            var match = Classify(attribute, value, flags["fuzzymatching"], flags["emptyvaluematching"], flags["multiplevaluematching"]);
            if (match is not null)
            {
                matches.Add(match);
            }
        }

        var query = new SearchQuery
        {
            Level = level,
            StudyInstanceUid = studyUid,
            SeriesInstanceUid = seriesUid,
            Matches = matches,
            IncludeFields = includeFields.Distinct().ToArray(),
            IncludeAll = includeAll,
            Offset = offset,
            Limit = limit ?? defaultLimit,
        };
        return new QidoRequest(query, warnings);
    }

    private static QueryMatch? Classify(QueryAttribute attribute, string value, bool fuzzy, bool emptyValue, bool multipleValue)
    {
        if (value.Length == 0)
        {
            return null; // universal matching: the attribute is only returned
        }
        if (value == "\"\"")
        {
            return emptyValue
                ? new EmptyValueMatch(attribute)
                : throw new QueryException($"{attribute.Keyword}=\"\" asks for empty value matching; add emptyvaluematching=true.");
        }

        switch (attribute.VR)
        {
            case DicomVR.UI:
                var uids = SplitList(value, comma: true);
                foreach (var uid in uids)
                {
                    // Leading zeros are tolerated: the archive stores such UIDs, so they must be found by them.
                    if (!DicomUid.IsKey(uid))
                    {
                        throw new QueryException($"'{Shorten(uid)}' in {attribute.Keyword} is not a valid UID.");
                    }
                }
                return ListMatch(attribute, uids, multipleValue);
            case DicomVR.DA or DicomVR.TM:
                return DateTimeMatch(attribute, value);
            case DicomVR.IS or DicomVR.US:
                var numbers = SplitList(value, comma: true);
                foreach (var number in numbers)
                {
                    if (!int.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                    {
                        throw new QueryException($"{attribute.Keyword} must be an integer, not '{Shorten(number)}'.");
                    }
                }
                return ListMatch(attribute, numbers, multipleValue);
        }

        // String VRs that allow wildcards (AE CS LO LT PN SH ST UC UR UT).
        var values = SplitList(value, comma: attribute.VR == DicomVR.CS);
        if (values.Count > 1)
        {
            if (values.Any(HasWildcard))
            {
                throw new QueryException($"{attribute.Keyword}: wildcards cannot be combined with a list of values.");
            }
            return ListMatch(attribute, values, multipleValue);
        }
        var single = values[0];
        if (attribute.VR == DicomVR.PN && fuzzy)
        {
            var words = single.Split([' ', '^', ',', '*', '?', '='], StringSplitOptions.RemoveEmptyEntries);
            return words.Length == 0 ? null : new FuzzyNameMatch(attribute, words);
        }
        if (HasWildcard(single))
        {
            return single.All(c => c == '*') ? null : new WildcardMatch(attribute, single);
        }
        return new SingleValueMatch(attribute, single);
    }

    private static QueryMatch DateTimeMatch(QueryAttribute attribute, string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return new SingleValueMatch(attribute, CheckDateTime(attribute, value));
        }
        if (value.IndexOf('-', dash + 1) >= 0)
        {
            throw new QueryException($"{attribute.Keyword} '{Shorten(value)}' is neither a value nor a range (for dates YYYYMMDD-YYYYMMDD).");
        }
        var from = value[..dash];
        var to = value[(dash + 1)..];
        if (from.Length == 0 && to.Length == 0)
        {
            throw new QueryException($"{attribute.Keyword} range '-' has no bounds.");
        }
        from = from.Length == 0 ? null! : CheckDateTime(attribute, from);
        to = to.Length == 0 ? null! : CheckDateTime(attribute, to);
        if (from is not null && to is not null && string.CompareOrdinal(from, to) > 0)
        {
            throw new QueryException($"{attribute.Keyword} range '{Shorten(value)}' ends before it starts.");
        }
        return new RangeMatch(attribute, from, to);
    }

    /// <summary>DA is YYYYMMDD (a real calendar date); TM is HH[MM[SS[.F{1,6}]]].</summary>
    private static string CheckDateTime(QueryAttribute attribute, string text)
    {
        if (attribute.VR == DicomVR.DA)
        {
            if (text.Length == 8 && DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                return text;
            }
            throw new QueryException($"{attribute.Keyword} '{Shorten(text)}' is not a date (YYYYMMDD, or a range YYYYMMDD-YYYYMMDD).");
        }
        var digits = text.Split('.')[0];
        var valid = digits.Length is 2 or 4 or 6 && digits.All(char.IsAsciiDigit)
            && int.Parse(digits[..2], CultureInfo.InvariantCulture) < 24
            && (digits.Length < 4 || int.Parse(digits[2..4], CultureInfo.InvariantCulture) < 60)
            && (digits.Length < 6 || int.Parse(digits[4..6], CultureInfo.InvariantCulture) < 61)
            && (text.Length == digits.Length || (digits.Length == 6 && text.Length - 7 is >= 1 and <= 6 && text[7..].All(char.IsAsciiDigit)));
        return valid ? text : throw new QueryException($"{attribute.Keyword} '{Shorten(text)}' is not a time (HHMMSS.FFFFFF, or a range).");
    }

    private static QueryMatch ListMatch(QueryAttribute attribute, List<string> values, bool multipleValue) => values.Count switch
    {
        1 => new SingleValueMatch(attribute, values[0]),
        _ when multipleValue && attribute.IsMultiValued => new AllValuesMatch(attribute, values),
        _ => new ValueListMatch(attribute, values),
    };

    private static List<string> SplitList(string value, bool comma)
    {
        char[] separators = comma ? [',', '\\'] : ['\\'];
        var parts = value.Split(separators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        return parts.Count == 0 ? throw new QueryException($"'{Shorten(value)}' holds no value.") : parts;
    }

    private static bool HasWildcard(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;

    private static DicomTag? ResolveTag(string key, Func<string, DicomTag?> resolveKeyword) =>
        DicomTag.TryParse(key, out var tag) ? tag : QueryAttributes.Find(key)?.Tag ?? resolveKeyword(key);

    private static int ParseCount(string key, string value, int min)
    {
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min)
        {
            throw new QueryException($"{key} must be an integer of at least {min}, not '{Shorten(value)}'.");
        }
        return (int)Math.Min(number, int.MaxValue);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}

/// <summary>A QIDO request the server cannot answer as asked; the message names what is wrong (HTTP 400).</summary>
internal sealed class QueryException(string message) : Exception(message);
