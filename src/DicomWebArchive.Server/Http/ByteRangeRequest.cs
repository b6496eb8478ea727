using System.Globalization;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// A single-range HTTP Range header (RFC 9110 §14). Anything else (several ranges, other units, malformed text) is
/// ignored and the whole value is sent, as the RFC allows; only a well-formed range past the end is unsatisfiable.
/// </summary>
internal readonly record struct ByteRangeRequest(long? Start, long Length, bool Unsatisfiable)
{
    private static readonly ByteRangeRequest Whole = new(null, 0, false);

    public static ByteRangeRequest Parse(string? header, long length)
    {
        if (string.IsNullOrWhiteSpace(header) || header.Length > 200 || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return Whole;
        }
        var spec = header.AsSpan(6).Trim();
        if (spec.Contains(','))
        {
            return Whole;
        }
        int dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return Whole;
        }
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix range: the last N bytes.
            if (!TryNumber(last, out long suffix))
            {
                return Whole;
            }
            if (suffix == 0 || length == 0)
            {
                return new(null, 0, true);
            }
            long take = Math.Min(suffix, length);
            return new(length - take, take, false);
        }
        if (!TryNumber(first, out long start))
        {
            return Whole;
        }
        long end = length - 1;
        if (!last.IsEmpty)
        {
            if (!TryNumber(last, out end) || end < start)
            {
                return Whole;
            }
        }
        if (start >= length)
        {
            return new(null, 0, true);
        }
        end = Math.Min(end, length - 1);
        return new(start, end - start + 1, false);
    }

    private static bool TryNumber(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 18 && !text.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
