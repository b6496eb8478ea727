using System.Buffers.Binary;
using System.Text.Json;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Json;

public static partial class DicomJsonWriter
{
    private const long MaxSafeInteger = (1L << 53) - 1;

    private static readonly JsonEncodedText AlphabeticName = JsonEncodedText.Encode("Alphabetic");
    private static readonly JsonEncodedText IdeographicName = JsonEncodedText.Encode("Ideographic");
    private static readonly JsonEncodedText PhoneticName = JsonEncodedText.Encode("Phonetic");

    private static void WriteStrings(ref WriteState state, ReadOnlySpan<byte> bytes, DicomVR vr, DicomCharacterSet charset)
    {
        // Most text is plain ASCII, which is already UTF-8: skip decoding and transcoding.
        if (System.Text.Ascii.IsValid(bytes) && !bytes.Contains((byte)0x1B))
        {
            WriteAsciiStrings(state.Writer, bytes, vr);
            return;
        }
        var text = vr.UsesSpecificCharacterSet()
            ? charset.Decode(bytes, isPersonName: false, ref state.Chars)
            : DicomCharacterSet.DecodeDefault(bytes, ref state.Chars);
        var writer = state.Writer;
        if (DicomValueText.IsSingleValued(vr))
        {
            var value = DicomValueText.Trim(text, vr);
            if (!value.IsEmpty)
            {
                writer.WriteStartArray(ValueName);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
            return;
        }
        if (IsSingleEmptyValue(text, vr))
        {
            return;
        }
        writer.WriteStartArray(ValueName);
        foreach (var range in text.Split('\\'))
        {
            var value = DicomValueText.Trim(text[range], vr);
            if (value.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        writer.WriteEndArray();
    }

    private static void WriteAsciiStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> text, DicomVR vr)
    {
        if (DicomValueText.IsSingleValued(vr))
        {
            var value = DicomValueText.Trim(text, vr);
            if (!value.IsEmpty)
            {
                writer.WriteStartArray(ValueName);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
            return;
        }
        if (!text.Contains((byte)'\\') && DicomValueText.Trim(text, vr).IsEmpty)
        {
            return;
        }
        writer.WriteStartArray(ValueName);
        foreach (var range in text.Split((byte)'\\'))
        {
            var value = DicomValueText.Trim(text[range], vr);
            if (value.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        writer.WriteEndArray();
    }

    private static void WriteDecimalStrings(ref WriteState state, ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        var text = DicomCharacterSet.DecodeDefault(bytes, ref state.Chars);
        if (IsSingleEmptyValue(text, vr))
        {
            return;
        }
        var writer = state.Writer;
        Span<char> number = stackalloc char[DicomJsonNumber.MaxLength + 2];
        writer.WriteStartArray(ValueName);
        foreach (var range in text.Split('\\'))
        {
            var value = DicomValueText.Trim(text[range], vr);
            if (value.IsEmpty)
            {
                writer.WriteNullValue();
            }
            else if (DicomJsonNumber.TryNormalize(value, number, out int written))
            {
                writer.WriteRawValue(number[..written], skipInputValidation: true);
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        writer.WriteEndArray();
    }

    private static void WritePersonNames(ref WriteState state, ReadOnlySpan<byte> bytes, DicomCharacterSet charset)
    {
        var text = charset.Decode(bytes, isPersonName: true, ref state.Chars);
        if (!text.Contains('\\') && IsEmptyPersonName(text))
        {
            return;
        }
        var writer = state.Writer;
        writer.WriteStartArray(ValueName);
        foreach (var range in text.Split('\\'))
        {
            var value = DicomValueText.Trim(text[range], DicomVR.PN);
            if (IsEmptyPersonName(value))
            {
                writer.WriteNullValue();
                continue;
            }
            writer.WriteStartObject();
            int group = 0;
            foreach (var groupRange in value.Split('='))
            {
                var component = value[groupRange].TrimEnd(' ');
                if (!IsEmptyPersonName(component) && group < 3)
                {
                    writer.WriteString(group switch { 0 => AlphabeticName, 1 => IdeographicName, _ => PhoneticName }, component);
                }
                group++;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>A name or group made of delimiters only ("^^^^") names nobody: it is written like an empty one.</summary>
    private static bool IsEmptyPersonName(ReadOnlySpan<char> value) => value.IndexOfAnyExcept("^= ") < 0;

    private static bool IsSingleEmptyValue(ReadOnlySpan<char> text, DicomVR vr) =>
        !text.Contains('\\') && DicomValueText.Trim(text, vr).IsEmpty;

    private static void WriteBinaryNumbers(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        int size = vr.ValueSize();
        if (bytes.Length % size != 0 || (vr is DicomVR.FL or DicomVR.FD && !AllFinite(bytes, vr)))
        {
            // A torn last value or NaN/Infinity cannot be a JSON number: keep the exact bytes instead.
            writer.WriteBase64String(InlineBinaryName, bytes);
            return;
        }
        Span<byte> hex = stackalloc byte[8];
        writer.WriteStartArray(ValueName);
        for (int offset = 0; offset < bytes.Length; offset += size)
        {
            var value = bytes.Slice(offset, size);
            switch (vr)
            {
                case DicomVR.AT:
                    uint tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(value) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(value[2..]);
                    tag.TryFormat(hex, out _, "X8", System.Globalization.CultureInfo.InvariantCulture);
                    writer.WriteStringValue(hex);
                    break;
                case DicomVR.FL:
                    writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(value));
                    break;
                case DicomVR.FD:
                    writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(value));
                    break;
                case DicomVR.SL:
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(value));
                    break;
                case DicomVR.SS:
                    writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(value));
                    break;
                case DicomVR.UL:
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(value));
                    break;
                case DicomVR.US:
                    writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(value));
                    break;
                case DicomVR.SV:
                    long signed = BinaryPrimitives.ReadInt64LittleEndian(value);
                    if (signed is >= -MaxSafeInteger and <= MaxSafeInteger)
                    {
                        writer.WriteNumberValue(signed);
                    }
                    else
                    {
                        WriteIntegerString(writer, signed);
                    }
                    break;
                case DicomVR.UV:
                    ulong unsigned = BinaryPrimitives.ReadUInt64LittleEndian(value);
                    if (unsigned <= MaxSafeInteger)
                    {
                        writer.WriteNumberValue(unsigned);
                    }
                    else
                    {
                        WriteIntegerString(writer, unsigned);
                    }
                    break;
            }
        }
        writer.WriteEndArray();
    }

    private static void WriteIntegerString<T>(Utf8JsonWriter writer, T value)
        where T : IUtf8SpanFormattable
    {
        Span<byte> digits = stackalloc byte[24];
        value.TryFormat(digits, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteStringValue(digits[..written]);
    }

    private static bool AllFinite(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        for (int offset = 0; offset < bytes.Length; offset += vr == DicomVR.FL ? 4 : 8)
        {
            bool finite = vr == DicomVR.FL
                ? float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(bytes[offset..]))
                : double.IsFinite(BinaryPrimitives.ReadDoubleLittleEndian(bytes[offset..]));
            if (!finite)
            {
                return false;
            }
        }
        return true;
    }
}
