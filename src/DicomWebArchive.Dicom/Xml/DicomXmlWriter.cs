using System.Globalization;
using System.Text.Json;
using System.Xml;

namespace DicomWebArchive.Dicom.Xml;

/// <summary>
/// Writes the Native DICOM Model (PS3.19 Annex A) of a data set given in DICOM JSON (PS3.18 Annex F), so that every
/// resource answering application/dicom+json can also answer multipart/related; type="application/dicom+xml".
/// </summary>
public static class DicomXmlWriter
{
    public const string Namespace = "http://dicom.nema.org/PS3.19/models/NativeDICOM";

    private static readonly string[] NameComponents = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"];
    private static readonly string[] NameGroups = ["Alphabetic", "Ideographic", "Phonetic"];

    // Characters that need no look at all: printable ASCII, tab, line feed and carriage return.
    private static readonly System.Buffers.SearchValues<char> XmlText =
        System.Buffers.SearchValues.Create("\t\n\r" + string.Concat(Enumerable.Range(0x20, 0x5F).Select(c => (char)c)));

    /// <summary>One complete XML document (NativeDicomModel) for one DICOM JSON data-set object.</summary>
    public static void WriteDocument(XmlWriter xml, JsonElement dataset)
    {
        ArgumentNullException.ThrowIfNull(xml);
        xml.WriteStartDocument();
        xml.WriteStartElement("NativeDicomModel", Namespace);
        WriteAttributes(xml, dataset);
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteAttributes(XmlWriter xml, JsonElement dataset)
    {
        if (dataset.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A DICOM JSON data set must be a JSON object.");
        }
        foreach (var attribute in dataset.EnumerateObject())
        {
            if (!DicomTag.TryParse(attribute.Name, out var tag))
            {
                throw new FormatException($"'{attribute.Name}' is not a DICOM JSON attribute tag.");
            }
            var vr = attribute.Value.TryGetProperty("vr", out var vrValue) ? vrValue.GetString() ?? "UN" : "UN";
            xml.WriteStartElement("DicomAttribute", Namespace);
            // PS3.19 A.1.5: a private element is named by its creator and the low byte of its element number.
            var creator = tag.IsPrivate && tag.Element >= 0x1000 ? PrivateCreator(dataset, tag) : null;
            xml.WriteAttributeString("tag", creator is null ? attribute.Name : new DicomTag(tag.Group, (ushort)(tag.Element & 0xFF)).ToString());
            xml.WriteAttributeString("vr", vr);
            if (creator is not null)
            {
                xml.WriteAttributeString("privateCreator", Clean(creator));
            }
            else if (DicomDictionary.GetKeyword(tag) is { } keyword)
            {
                xml.WriteAttributeString("keyword", keyword);
            }
            WriteContent(xml, vr, attribute.Value);
            xml.WriteEndElement();
        }
    }

    /// <summary>
    /// Stored text may hold characters XML 1.0 cannot carry (control characters sent in a DICOM string); they become
    /// U+FFFD instead of failing the whole response.
    /// </summary>
    private static string Clean(string text)
    {
        var bad = text.AsSpan().IndexOfAnyExcept(XmlText);
        if (bad < 0)
        {
            return text;
        }
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                var pair = char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]);
                span[i] = XmlConvert.IsXmlChar(c) || pair || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(source[i - 1])) ? c : '\uFFFD';
            }
        });
    }

    private static string? PrivateCreator(JsonElement dataset, DicomTag tag)
    {
        var creatorTag = new DicomTag(tag.Group, (ushort)(tag.Element >> 8)).ToString();
        return dataset.TryGetProperty(creatorTag, out var creator) && creator.TryGetProperty("Value", out var values)
            && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.String
            ? values[0].GetString()!.Trim()
            : null;
    }

    private static void WriteContent(XmlWriter xml, string vr, JsonElement attribute)
    {
        if (attribute.TryGetProperty("BulkDataURI", out var uri))
        {
            xml.WriteStartElement("BulkData", Namespace);
            xml.WriteAttributeString("uri", Clean(uri.GetString() ?? ""));
            xml.WriteEndElement();
            return;
        }
        if (attribute.TryGetProperty("InlineBinary", out var inline))
        {
            xml.WriteElementString("InlineBinary", Namespace, inline.GetString());
            return;
        }
        if (!attribute.TryGetProperty("Value", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return;
        }
        var number = 0;
        foreach (var value in values.EnumerateArray())
        {
            number++;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue; // an empty value keeps its position: the next one carries its own number
            }
            var element = vr switch { "SQ" => "Item", "PN" => "PersonName", _ => "Value" };
            xml.WriteStartElement(element, Namespace);
            xml.WriteAttributeString("number", number.ToString(CultureInfo.InvariantCulture));
            switch (vr)
            {
                case "SQ":
                    WriteAttributes(xml, value);
                    break;
                case "PN":
                    WritePersonName(xml, value);
                    break;
                default:
                    xml.WriteString(Clean(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()));
                    break;
            }
            xml.WriteEndElement();
        }
    }

    private static void WritePersonName(XmlWriter xml, JsonElement name)
    {
        foreach (var group in NameGroups)
        {
            if (!name.TryGetProperty(group, out var text) || text.GetString() is not { Length: > 0 } value)
            {
                continue;
            }
            xml.WriteStartElement(group, Namespace);
            var components = value.Split('^');
            for (var i = 0; i < components.Length && i < NameComponents.Length; i++)
            {
                if (components[i].Length > 0)
                {
                    xml.WriteElementString(NameComponents[i], Namespace, Clean(components[i]));
                }
            }
            xml.WriteEndElement();
        }
    }
}
