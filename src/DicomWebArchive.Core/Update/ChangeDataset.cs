using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Core.Update;

/// <summary>
/// The changeDataset of a bulk update (DICOM JSON, PS3.18 Annex F) as attribute changes, checked: only attributes of
/// the patient and the study (PS3.3 Patient and General Study modules) that are plain text, each with a value of its VR.
/// UIDs, pixel data, sequences and everything else are refused with a message naming the attribute.
/// </summary>
public static class ChangeDataset
{
    public const int MaxAttributes = 64;

    private static readonly FrozenSet<uint> Allowed = new uint[]
    {
        0x00100010, 0x00100020, 0x00100021, 0x00100022, 0x00100030, 0x00100032, 0x00100040, 0x00101000, 0x00101001,
        0x00101005, 0x00101010, 0x00101020, 0x00101030, 0x00101040, 0x00101060, 0x00102000, 0x00102110, 0x00102154,
        0x00102160, 0x00102180, 0x001021B0, 0x00102201, 0x00102292, 0x00102297, 0x00102299, 0x00104000,
        0x00080020, 0x00080030, 0x00080050, 0x00080090, 0x00081030, 0x00081048, 0x00081060, 0x00081080, 0x00200010,
    }.ToFrozenSet();

    /// <summary>The attributes a bulk update may change, by keyword, for messages and documentation.</summary>
    public static IEnumerable<string> AllowedKeywords => Allowed.Order().Select(t => DicomDictionary.GetKeyword(new DicomTag(t)) ?? new DicomTag(t).ToString());

    /// <exception cref="ChangeDatasetException">The change set is not one a bulk update makes.</exception>
    public static IReadOnlyList<DicomAttributeChange> Parse(JsonElement changeDataset)
    {
        if (changeDataset.ValueKind != JsonValueKind.Object)
        {
            throw new ChangeDatasetException("changeDataset must be a DICOM JSON object.");
        }
        var changes = new List<DicomAttributeChange>();
        foreach (var property in changeDataset.EnumerateObject())
        {
            if (changes.Count == MaxAttributes)
            {
                throw new ChangeDatasetException($"changeDataset changes at most {MaxAttributes} attributes.");
            }
            changes.Add(Attribute(property));
        }
        if (changes.Count == 0)
        {
            throw new ChangeDatasetException("changeDataset names no attribute to change.");
        }
        if (changes.GroupBy(c => c.Tag).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ChangeDatasetException($"{Name(twice.Key)} appears twice in changeDataset.");
        }
        return changes;
    }

    private static DicomAttributeChange Attribute(JsonProperty property)
    {
        if (!DicomTag.TryParse(property.Name, out var tag) && !DicomDictionary.TryGetTag(property.Name, out tag))
        {
            throw new ChangeDatasetException($"'{Shorten(property.Name)}' in changeDataset is not a DICOM tag (8 hexadecimal digits) or keyword.");
        }
        var entry = DicomDictionary.TryGetEntry(tag, out var found) ? found : null;
        string name = Name(tag);
        if (!Allowed.Contains(tag.Value))
        {
            string why = entry?.VR == DicomVR.UI || tag.Group == 0x0002 ? "UIDs identify the instance and are never changed"
                : tag.Group is 0x7FE0 or 0x0028 ? "pixel data and its description are never changed"
                : entry?.VR == DicomVR.SQ ? "sequences are not changed by a bulk update"
                : "only patient and study attributes can be changed";
            throw new ChangeDatasetException($"{name} cannot be changed: {why}. These can: {string.Join(", ", AllowedKeywords)}.");
        }
        var vr = entry!.VR;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ChangeDatasetException($"{name} must be a DICOM JSON attribute object ({{\"vr\": \"{vr.ToCode()}\", \"Value\": [...]}}).");
        }
        if (Member(value, "vr") is { } sentVr && sentVr.ToString() != vr.ToCode())
        {
            throw new ChangeDatasetException($"{name} has VR {vr.ToCode()}, not {Shorten(sentVr.ToString())}.");
        }
        if (Member(value, "Value") is not { ValueKind: JsonValueKind.Array } values || values.GetArrayLength() == 0)
        {
            throw new ChangeDatasetException($"{name} needs a Value: an attribute cannot be changed to empty.");
        }
        var texts = new List<string>();
        foreach (var item in values.EnumerateArray())
        {
            texts.Add(Check(name, vr, Text(name, vr, item)));
        }
        if (texts.Count > 1 && vr is DicomVR.LT or DicomVR.ST or DicomVR.UT)
        {
            throw new ChangeDatasetException($"{name} takes one value.");
        }
        return new DicomAttributeChange(tag, vr, texts);
    }

    private static string Text(string name, DicomVR vr, JsonElement item)
    {
        if (vr == DicomVR.PN)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new ChangeDatasetException($"{name} values are person name objects ({{\"Alphabetic\": \"Family^Given\"}}).");
            }
            var groups = new[] { "Alphabetic", "Ideographic", "Phonetic" }
                .Select(g => Member(item, g) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : "").ToArray();
            return string.Join('=', groups).TrimEnd('=');
        }
        return item.ValueKind switch
        {
            JsonValueKind.String => item.GetString()!,
            JsonValueKind.Number when vr is DicomVR.DS or DicomVR.IS => item.GetRawText(),
            _ => throw new ChangeDatasetException($"{name} values must be strings."),
        };
    }

    /// <summary>The value as PS3.5 §6.2 allows it for the VR: length, characters and, for dates and times, form.</summary>
    private static string Check(string name, DicomVR vr, string text)
    {
        int max = vr switch
        {
            DicomVR.AS => 4, DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.SH => 16, DicomVR.IS => 12, DicomVR.TM => 14,
            DicomVR.LO => 64, DicomVR.PN => 64 * 3 + 2, DicomVR.ST => 1024, DicomVR.LT => 10240, _ => 1024,
        };
        bool valid = text.Length > 0 && text.Length <= max && !text.Any(c => char.IsControl(c) && c != '\x1B' || (c == '\\' && vr is not (DicomVR.LT or DicomVR.ST)));
        valid &= vr switch
        {
            DicomVR.DA => text.Length == 8 && DateTime.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            DicomVR.TM => text.Length >= 2 && text.All(c => char.IsAsciiDigit(c) || c == '.') && int.Parse(text.AsSpan(0, 2), CultureInfo.InvariantCulture) < 24,
            DicomVR.AS => text.Length == 4 && text[..3].All(char.IsAsciiDigit) && "DWMY".Contains(text[3], StringComparison.Ordinal),
            DicomVR.CS => text.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is ' ' or '_'),
            DicomVR.DS => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            DicomVR.IS => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            _ => true,
        };
        return valid ? text : throw new ChangeDatasetException($"{name}: '{Shorten(text)}' is not a valid {vr.ToCode()} value.");
    }

    /// <summary>A member by name, whatever its case: serializers with a camel-case policy write "value" for "Value" and "alphabetic" for "Alphabetic".</summary>
    private static JsonElement? Member(JsonElement value, string name)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }
        return null;
    }

    private static string Name(DicomTag tag) =>
        DicomDictionary.GetKeyword(tag) is { } keyword ? $"{keyword} ({tag.Group:X4},{tag.Element:X4})" : $"({tag.Group:X4},{tag.Element:X4})";

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}

/// <summary>A changeDataset a bulk update cannot make; the message names the attribute and why.</summary>
public sealed class ChangeDatasetException(string message) : Exception(message);
