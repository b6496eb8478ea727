using System.Text;

namespace DicomWebArchive.Dicom.Text;

/// <summary>
/// Decodes text that uses ISO 2022 code extensions (PS3.5 §6.1.2.5): escape sequences switch the
/// sets designated to G0 and G1, and the initial sets come back at every delimiter.
/// </summary>
internal static class Iso2022Decoder
{
    private const byte Esc = 0x1B;

    public static string Decode(ReadOnlySpan<byte> bytes, Designation initialG0, Designation initialG1, bool isPersonName)
    {
        var builder = new StringBuilder(bytes.Length);
        var g0 = initialG0;
        var g1 = initialG1;
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b == Esc)
            {
                i += CharacterSetTerms.ParseEscape(bytes[i..], out var designation, out bool isG1);
                if (designation.Element != CodeElement.None)
                {
                    if (isG1)
                    {
                        g1 = designation;
                    }
                    else
                    {
                        g0 = designation;
                    }
                }
                continue;
            }
            if (b >= 0x80)
            {
                int end = i;
                while (end < bytes.Length && bytes[end] >= 0x80)
                {
                    end++;
                }
                AppendHigh(builder, bytes[i..end], g1);
                i = end;
                continue;
            }
            if (g0.Element is CodeElement.JisX0208 or CodeElement.JisX0212)
            {
                int end = i;
                while (end < bytes.Length && bytes[end] is not Esc and < 0x80)
                {
                    end++;
                }
                AppendJis(builder, bytes[i..end], g0.Element);
                i = end;
                continue;
            }
            builder.Append((char)b);
            i++;
            // The writer must return to the initial sets before these (PS3.5 §6.1.2.5.3); a reader resets to tolerate writers that did not.
            if (IsDelimiter(b, isPersonName))
            {
                g0 = initialG0;
                g1 = initialG1;
            }
        }
        return builder.ToString();
    }

    private static bool IsDelimiter(byte b, bool isPersonName) =>
        b is (byte)'\\' or 0x0D or 0x0A or 0x0C or 0x09 || (isPersonName && b is (byte)'^' or (byte)'=');

    private static void AppendHigh(StringBuilder builder, ReadOnlySpan<byte> run, Designation g1)
    {
        switch (g1.Element)
        {
            case CodeElement.Katakana:
                foreach (byte b in run)
                {
                    builder.Append(b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + (b - 0xA1)) : '\uFFFD');
                }
                break;
            case CodeElement.SingleByte or CodeElement.DoubleByteHigh:
                builder.Append(CharacterSetTerms.GetEncoding(g1.CodePage).GetString(run));
                break;
            default:
                // No G1 set designated: Latin-1 keeps every byte visible rather than dropping it.
                builder.Append(Encoding.Latin1.GetString(run));
                break;
        }
    }

    private static void AppendJis(StringBuilder builder, ReadOnlySpan<byte> run, CodeElement element)
    {
        if (element == CodeElement.JisX0212)
        {
            // .NET's EUC-JP code pages map only JIS X 0208; JIS X 0212 characters come out as U+FFFD.
            builder.Append('\uFFFD', (run.Length + 1) / 2);
            return;
        }
        // JIS X 0208 in 7-bit form becomes EUC-JP by setting the high bit of both bytes.
        Span<byte> euc = run.Length <= 256 ? stackalloc byte[run.Length] : new byte[run.Length];
        for (int i = 0; i < run.Length; i++)
        {
            euc[i] = (byte)(run[i] | 0x80);
        }
        builder.Append(CharacterSetTerms.GetEncoding(20932).GetString(euc));
    }
}
