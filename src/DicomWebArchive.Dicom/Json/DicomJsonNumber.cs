using System.Globalization;

namespace DicomWebArchive.Dicom.Json;

/// <summary>Turns DS/IS text into JSON number text.</summary>
internal static class DicomJsonNumber
{
    /// <summary>Longest DS value is 16 bytes; room for a "0" prefix and generous slack for out-of-spec writers.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Rewrites a trimmed DS/IS value into JSON number grammar: drops a leading '+', leading zeros and
    /// a trailing '.', adds the 0 of ".5". False when the text is not a decimal number or exceeds the
    /// double range (JSON readers would turn it into Infinity).
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> text, Span<char> destination, out int written)
    {
        written = 0;
        if (text.IsEmpty || text.Length > MaxLength || destination.Length < text.Length + 2)
        {
            return false;
        }
        int i = 0;
        if (text[0] is '+' or '-')
        {
            if (text[0] == '-')
            {
                destination[written++] = '-';
            }
            i++;
        }
        int intStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        int integerDigits = i - intStart;
        var integer = text[intStart..i].TrimStart('0');
        int fractionDigits = 0;
        var fraction = ReadOnlySpan<char>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            int fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            fraction = text[fractionStart..i];
            fractionDigits = fraction.Length;
        }
        if (integerDigits + fractionDigits == 0)
        {
            return false;
        }
        if (integer.IsEmpty)
        {
            destination[written++] = '0';
        }
        else
        {
            integer.CopyTo(destination[written..]);
            written += integer.Length;
        }
        if (fractionDigits > 0)
        {
            destination[written++] = '.';
            fraction.CopyTo(destination[written..]);
            written += fraction.Length;
        }
        bool hasExponent = i < text.Length && text[i] is 'e' or 'E';
        if (hasExponent)
        {
            int exponentStart = i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            int digitsStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == digitsStart)
            {
                return false;
            }
            text[exponentStart..i].CopyTo(destination[written..]);
            written += i - exponentStart;
        }
        if (i != text.Length)
        {
            return false;
        }
        // At most 64 digits without an exponent always fit a double; only an exponent can overflow it.
        return !hasExponent
            || (double.TryParse(destination[..written], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value));
    }
}
