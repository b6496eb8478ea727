using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace DicomWebArchive.Dicom.Text;

/// <summary>
/// The decoding a Specific Character Set (0008,0005) value stands for. Single-byte terms, ISO_IR 192,
/// GB18030 and GBK decode through one <see cref="Encoding"/>; a multi-valued value or an "ISO 2022"
/// term decodes with code extensions (escape sequences). Unknown terms fall back to Latin-1 (a
/// superset of the default repertoire that keeps every byte visible) and never throw.
/// Known gap: JIS X 0212 (ISO 2022 IR 159) has no table in .NET; its characters decode to U+FFFD.
/// </summary>
public sealed class DicomCharacterSet
{
    private const int MaxCachedValues = 256;

    private static readonly ConcurrentDictionary<string, DicomCharacterSet> Cache = new(StringComparer.Ordinal);

    private readonly Encoding? _encoding;
    private readonly Designation _g0;
    private readonly Designation _g1;

    private DicomCharacterSet(string[] terms, Encoding? encoding, Designation g0, Designation g1)
    {
        Terms = terms;
        _encoding = encoding;
        _g0 = g0;
        _g1 = g1;
    }

    /// <summary>The default repertoire (no Specific Character Set), decoded as Latin-1 so stray high bytes stay visible.</summary>
    public static DicomCharacterSet Default { get; } = new([], Encoding.Latin1, Designation.Ascii, Designation.None);

    public static DicomCharacterSet Utf8 { get; } = new(["ISO_IR 192"], Encoding.UTF8, Designation.Ascii, Designation.None);

    public static DicomCharacterSet Latin1 { get; } = new(["ISO_IR 100"], Encoding.Latin1, Designation.Ascii, new Designation(CodeElement.SingleByte, CharacterSetTerms.Latin1));

    /// <summary>The Defined Terms as found (trimmed), in order.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>True when the text may contain escape sequences (ISO 2022 code extensions).</summary>
    public bool UsesCodeExtensions => _encoding is null;

    /// <summary>The character set in effect for <paramref name="dataset"/>: its own (0008,0005), else the nearest enclosing data set's (sequence items inherit).</summary>
    public static DicomCharacterSet Of(DicomDataset dataset)
    {
        for (var current = dataset; current is not null; current = current.Parent)
        {
            var element = current.Find(DicomTags.SpecificCharacterSet);
            if (element is not null)
            {
                return FromValue(element.Value.Span);
            }
        }
        return Default;
    }

    /// <summary>The character set for the raw bytes of a (0008,0005) value.</summary>
    public static DicomCharacterSet FromValue(ReadOnlySpan<byte> value)
    {
        value = value.Trim((byte)' ').TrimEnd((byte)0);
        if (value.IsEmpty)
        {
            return Default;
        }
        if (value.SequenceEqual("ISO_IR 192"u8))
        {
            return Utf8;
        }
        if (value.SequenceEqual("ISO_IR 100"u8))
        {
            return Latin1;
        }
        var text = Encoding.Latin1.GetString(value);
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }
        // Values come from uploaded files: bound the cache so odd spellings cannot grow it without limit.
        var parsed = Parse(text);
        return Cache.Count < MaxCachedValues ? Cache.GetOrAdd(text, parsed) : parsed;
    }

    /// <summary>The character set for a (0008,0005) value given as text (values separated by '\').</summary>
    public static DicomCharacterSet FromValue(string value) => FromValue(Encoding.Latin1.GetBytes(value));

    private static DicomCharacterSet Parse(string text)
    {
        var terms = text.Split('\\');
        for (int i = 0; i < terms.Length; i++)
        {
            terms[i] = terms[i].Trim(' ', '\0').ToUpperInvariant();
        }
        var first = terms[0];
        // Code extensions are not allowed with these; extra values are ignored.
        switch (first)
        {
            case "ISO_IR 192":
                return new DicomCharacterSet(terms, Encoding.UTF8, Designation.Ascii, Designation.None);
            case "GB18030":
                return new DicomCharacterSet(terms, CharacterSetTerms.GetEncoding(CharacterSetTerms.Gb18030), Designation.Ascii, Designation.None);
            case "GBK":
                return new DicomCharacterSet(terms, CharacterSetTerms.GetEncoding(CharacterSetTerms.Gbk), Designation.Ascii, Designation.None);
        }
        var (g0, g1) = CharacterSetTerms.InitialState(first);
        bool extended = terms.Length > 1 || first.StartsWith("ISO 2022", StringComparison.Ordinal) || g1.Element == CodeElement.Katakana;
        if (extended)
        {
            return new DicomCharacterSet(terms, null, g0, g1);
        }
        int codePage = CharacterSetTerms.SingleByteCodePage(first) ?? CharacterSetTerms.Latin1;
        return new DicomCharacterSet(terms, CharacterSetTerms.GetEncoding(codePage), g0, g1);
    }

    /// <summary>Decodes a whole value field (all values, delimiters included).</summary>
    /// <param name="isPersonName">PN resets code extensions at '^' and '=' as well.</param>
    public string Decode(ReadOnlySpan<byte> bytes, bool isPersonName = false)
    {
        if (IsPlainAscii(bytes))
        {
            return Encoding.Latin1.GetString(bytes);
        }
        return _encoding is not null ? _encoding.GetString(bytes) : Iso2022Decoder.Decode(bytes, _g0, _g1, isPersonName);
    }

    /// <summary>
    /// Decodes into a buffer rented from <see cref="ArrayPool{T}.Shared"/> when possible (return it
    /// with <see cref="ArrayPool{T}.Return"/> when not null); code extensions allocate a string.
    /// </summary>
    internal ReadOnlySpan<char> Decode(ReadOnlySpan<byte> bytes, bool isPersonName, ref char[]? rented)
    {
        if (IsPlainAscii(bytes) || ReferenceEquals(_encoding, Encoding.Latin1))
        {
            return DecodeDefault(bytes, ref rented);
        }
        if (_encoding is null)
        {
            return Iso2022Decoder.Decode(bytes, _g0, _g1, isPersonName);
        }
        var buffer = Rent(_encoding.GetMaxCharCount(bytes.Length), ref rented);
        return buffer[.._encoding.GetChars(bytes, buffer)];
    }

    /// <summary>Latin-1 widening of ASCII-only VRs (CS, UI, DA...), which never use Specific Character Set.</summary>
    internal static ReadOnlySpan<char> DecodeDefault(ReadOnlySpan<byte> bytes, ref char[]? rented)
    {
        var buffer = Rent(bytes.Length, ref rented);
        return buffer[..Encoding.Latin1.GetChars(bytes, buffer)];
    }

    private static Span<char> Rent(int length, ref char[]? rented)
    {
        if (rented is null || rented.Length < length)
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
            rented = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
        }
        return rented;
    }

    /// <summary>
    /// Encodes <paramref name="text"/> in this character set; false when the set cannot hold it: the default repertoire
    /// takes ASCII only, and text needing ISO 2022 code extensions is not written.
    /// </summary>
    public bool TryEncode(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (System.Text.Ascii.IsValid(text))
        {
            bytes = Encoding.ASCII.GetBytes(text);
            return true;
        }
        bytes = null;
        if (_encoding is null || Terms.Count == 0)
        {
            return false;
        }
        try
        {
            bytes = Encoding.GetEncoding(_encoding.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback).GetBytes(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    // Without ESC and high bytes every supported set reads as ASCII.
    private static bool IsPlainAscii(ReadOnlySpan<byte> bytes) => System.Text.Ascii.IsValid(bytes) && !bytes.Contains((byte)0x1B);

    public override string ToString() => string.Join('\\', Terms);
}
