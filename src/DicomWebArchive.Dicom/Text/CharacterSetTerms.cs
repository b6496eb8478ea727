using System.Text;

namespace DicomWebArchive.Dicom.Text;

/// <summary>A graphic character set that ISO 2022 can designate into G0 (bytes below 80H) or G1 (bytes 80H and above).</summary>
internal enum CodeElement : byte
{
    None,

    /// <summary>ISO 646 / ASCII; JIS X 0201 Romaji is decoded as ASCII too, like the common toolkits do.</summary>
    Ascii,

    /// <summary>A 96-character single-byte set (ISO 8859-x, TIS 620) read through a code page.</summary>
    SingleByte,

    /// <summary>JIS X 0201 Katakana in G1 (A1H-DFH), half-width forms.</summary>
    Katakana,

    /// <summary>JIS X 0208 in G0: two 7-bit bytes per character.</summary>
    JisX0208,

    /// <summary>JIS X 0212 in G0: two 7-bit bytes per character. .NET has no table for it; see <see cref="DicomCharacterSet"/>.</summary>
    JisX0212,

    /// <summary>A two-byte set in G1 (KS X 1001, GB 2312): pairs of bytes 80H and above, read through an EUC code page.</summary>
    DoubleByteHigh,
}

/// <summary>One designation: which set, and for code-page backed sets which code page.</summary>
internal readonly record struct Designation(CodeElement Element, int CodePage = 0)
{
    public static readonly Designation Ascii = new(CodeElement.Ascii);
    public static readonly Designation None = new(CodeElement.None);
}

/// <summary>Defined Terms of Specific Character Set (PS3.3 C.12.1.1.2) and the escape sequences of PS3.3 Tables C.12-3/C.12-4.</summary>
internal static class CharacterSetTerms
{
    public const int Latin1 = 28591;
    public const int Utf8 = 65001;
    public const int Gb18030 = 54936;
    public const int Gbk = 936;

    /// <summary>Code page of a single-byte (non code extension) term, or null when the term is unknown.</summary>
    public static int? SingleByteCodePage(string term) => term switch
    {
        "" or "ISO_IR 6" or "ISO 2022 IR 6" => 0,
        "ISO_IR 100" or "ISO 2022 IR 100" => Latin1,
        "ISO_IR 101" or "ISO 2022 IR 101" => 28592,
        "ISO_IR 109" or "ISO 2022 IR 109" => 28593,
        "ISO_IR 110" or "ISO 2022 IR 110" => 28594,
        "ISO_IR 144" or "ISO 2022 IR 144" => 28595,
        "ISO_IR 127" or "ISO 2022 IR 127" => 28596,
        "ISO_IR 126" or "ISO 2022 IR 126" => 28597,
        "ISO_IR 138" or "ISO 2022 IR 138" => 28598,
        "ISO_IR 148" or "ISO 2022 IR 148" => 28599,
        "ISO_IR 203" or "ISO 2022 IR 203" => 28605,
        "ISO_IR 166" or "ISO 2022 IR 166" => 874,
        _ => null,
    };

    /// <summary>The G0/G1 designations a term stands for when it is value 1 (the initial state) of a code extension set.</summary>
    public static (Designation G0, Designation G1) InitialState(string term)
    {
        switch (term)
        {
            case "ISO_IR 13" or "ISO 2022 IR 13":
                return (Designation.Ascii, new Designation(CodeElement.Katakana));
            case "ISO 2022 IR 149":
                return (Designation.Ascii, new Designation(CodeElement.DoubleByteHigh, 949));
            case "ISO 2022 IR 58":
                return (Designation.Ascii, new Designation(CodeElement.DoubleByteHigh, Gbk));
        }
        var codePage = SingleByteCodePage(term);
        return codePage is > 0 ? (Designation.Ascii, new Designation(CodeElement.SingleByte, codePage.Value)) : (Designation.Ascii, Designation.None);
    }

    /// <summary>
    /// Parses the escape sequence at the start of <paramref name="bytes"/> (which starts with ESC).
    /// Returns its length (intermediate bytes 20H-2FH then one final byte), 1 when truncated;
    /// <paramref name="isG1"/> tells which graphic set it designates; an unknown sequence yields <see cref="CodeElement.None"/>.
    /// </summary>
    public static int ParseEscape(ReadOnlySpan<byte> bytes, out Designation designation, out bool isG1)
    {
        designation = Designation.None;
        isG1 = false;
        int i = 1;
        while (i < bytes.Length && bytes[i] is >= 0x20 and <= 0x2F)
        {
            i++;
        }
        if (i >= bytes.Length)
        {
            return bytes.Length;
        }
        var sequence = bytes[1..(i + 1)];
        switch (sequence)
        {
            case [(byte)'(', (byte)'B']:
            case [(byte)'(', (byte)'J']:
                designation = Designation.Ascii;
                break;
            case [(byte)')', (byte)'I']:
                designation = new Designation(CodeElement.Katakana);
                isG1 = true;
                break;
            case [(byte)'$', (byte)'B']:
            case [(byte)'$', (byte)'@']:
                designation = new Designation(CodeElement.JisX0208, 20932);
                break;
            case [(byte)'$', (byte)'(', (byte)'D']:
                designation = new Designation(CodeElement.JisX0212);
                break;
            case [(byte)'$', (byte)')', (byte)'C']:
                designation = new Designation(CodeElement.DoubleByteHigh, 949);
                isG1 = true;
                break;
            case [(byte)'$', (byte)')', (byte)'A']:
                designation = new Designation(CodeElement.DoubleByteHigh, Gbk);
                isG1 = true;
                break;
            case [(byte)'-', var final]:
                int codePage = final switch
                {
                    (byte)'A' => Latin1,
                    (byte)'B' => 28592,
                    (byte)'C' => 28593,
                    (byte)'D' => 28594,
                    (byte)'L' => 28595,
                    (byte)'G' => 28596,
                    (byte)'F' => 28597,
                    (byte)'H' => 28598,
                    (byte)'M' => 28599,
                    (byte)'b' => 28605,
                    (byte)'T' => 874,
                    _ => 0,
                };
                if (codePage != 0)
                {
                    designation = new Designation(CodeElement.SingleByte, codePage);
                    isG1 = true;
                }
                break;
        }
        return i + 1;
    }

    /// <summary>Code pages from .NET's built-in set or <see cref="CodePagesEncodingProvider"/>, without registering the provider process-wide.</summary>
    public static Encoding GetEncoding(int codePage) => codePage switch
    {
        0 or Latin1 => Encoding.Latin1,
        Utf8 => Encoding.UTF8,
        _ => CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.Latin1,
    };
}
