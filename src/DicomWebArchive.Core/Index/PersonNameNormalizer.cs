using System.Globalization;
using System.Text;

namespace DicomWebArchive.Core.Index;

/// <summary>
/// The form person names are stored and matched in: upper case, accents removed, so a case-insensitive wildcard
/// query on PatientName runs against an index. Component (^) and group (=) delimiters are kept.
/// </summary>
public static class PersonNameNormalizer
{
    public static string? Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return name;
        }

        var decomposed = name.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            // Letters that carry their mark inside the code point do not decompose.
            switch (c)
            {
                case 'ß': result.Append("SS"); break;
                case 'æ' or 'Æ': result.Append("AE"); break;
                case 'œ' or 'Œ': result.Append("OE"); break;
                case 'ø' or 'Ø': result.Append('O'); break;
                case 'ł' or 'Ł': result.Append('L'); break;
                case 'đ' or 'Đ': result.Append('D'); break;
                case 'ı': result.Append('I'); break;
                default: result.Append(char.ToUpperInvariant(c)); break;
            }
        }

        return result.ToString().Normalize(NormalizationForm.FormC);
    }
}
