using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Server.Qido;

/// <summary>Writes QIDO-RS results as DICOM JSON (PS3.18 Annex F), one object per row, tags ascending.</summary>
internal static class QidoResultWriter
{
    public static void Write(Utf8JsonWriter writer, SearchQuery query, IReadOnlyList<QueryRow> rows, string serviceBase)
    {
        var plan = Plan(query);
        writer.WriteStartArray();
        foreach (var row in rows)
        {
            WriteRow(writer, query, plan, row, serviceBase);
        }
        writer.WriteEndArray();
    }

    /// <summary>What each result returns: indexed attributes by tag, and tags to copy from stored metadata.</summary>
    internal sealed record ReturnPlan(Slot[] Slots, DicomTag[] FromMetadata, bool AllMetadata);

    /// <summary>One attribute every result returns, in tag order: an indexed column, or computed (RetrieveURL, InstanceAvailability) when <see cref="Attribute"/> is null.</summary>
    internal sealed record Slot(DicomTag Tag, string Name, QueryAttribute? Attribute);

    internal static ReturnPlan Plan(SearchQuery query)
    {
        var indexed = new Dictionary<DicomTag, QueryAttribute>();
        void Add(QueryAttribute attribute)
        {
            if (attribute.Level <= query.Level)
            {
                indexed.TryAdd(attribute.Tag, attribute);
            }
        }

        foreach (var attribute in QueryAttributes.Defaults(query.Level))
        {
            Add(attribute);
        }
        // Relational searches (no parent in the route) also return the defaults of the levels above.
        if (query.Level >= QueryLevel.Series && query.StudyInstanceUid is null)
        {
            foreach (var attribute in QueryAttributes.Defaults(QueryLevel.Study))
            {
                Add(attribute);
            }
        }
        if (query.Level == QueryLevel.Instance && query.SeriesInstanceUid is null)
        {
            foreach (var attribute in QueryAttributes.Defaults(QueryLevel.Series))
            {
                Add(attribute);
            }
        }
        Add(QueryAttributes.StudyInstanceUid);
        Add(QueryAttributes.SeriesInstanceUid);
        if (query.IncludeAll)
        {
            foreach (var attribute in QueryAttributes.All)
            {
                Add(attribute);
            }
        }

        var fromMetadata = new List<DicomTag>();
        foreach (var tag in query.IncludeFields)
        {
            var attribute = QueryAttributes.Find(tag);
            if (attribute is not null)
            {
                Add(attribute);
            }
            else if (tag != DicomTags.RetrieveURL && tag != DicomTags.InstanceAvailability)
            {
                fromMetadata.Add(tag);
            }
        }
        var slots = indexed.Values.Select(a => new Slot(a.Tag, a.Tag.ToString(), a))
            .Append(new Slot(DicomTags.InstanceAvailability, DicomTags.InstanceAvailability.ToString(), null))
            .Append(new Slot(DicomTags.RetrieveURL, DicomTags.RetrieveURL.ToString(), null))
            .OrderBy(slot => slot.Tag)
            .ToArray();
        return new ReturnPlan(slots, fromMetadata.Distinct().Order().ToArray(), query.IncludeAll && query.Level == QueryLevel.Instance);
    }

    private static void WriteRow(Utf8JsonWriter writer, SearchQuery query, ReturnPlan plan, QueryRow row, string serviceBase)
    {
        using var metadata = row.Metadata is null || !(plan.AllMetadata || plan.FromMetadata.Length > 0) ? null : OpenMetadata(row.Metadata);
        var root = metadata?.RootElement;
        if (root is { ValueKind: JsonValueKind.Array })
        {
            root = root.Value.GetArrayLength() > 0 ? root.Value[0] : null;
        }

        // The index's attributes and the computed ones, merged in ascending tag order with any from stored metadata.
        var fromMetadata = new List<(uint Tag, JsonElement Value)>();
        if (root is { ValueKind: JsonValueKind.Object } element)
        {
            if (plan.AllMetadata)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (DicomTag.TryParse(property.Name, out var tag))
                    {
                        fromMetadata.Add((tag.Value, property.Value));
                    }
                }
            }
            else
            {
                foreach (var tag in plan.FromMetadata)
                {
                    if (element.TryGetProperty(tag.ToString(), out var value))
                    {
                        fromMetadata.Add((tag.Value, value));
                    }
                }
            }
            fromMetadata.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        }

        writer.WriteStartObject();
        var next = 0;
        void WriteMetadataBelow(uint tag)
        {
            while (next < fromMetadata.Count && fromMetadata[next].Tag < tag)
            {
                var (metadataTag, value) = fromMetadata[next++];
                writer.WritePropertyName(metadataTag.ToString("X8", CultureInfo.InvariantCulture));
                value.WriteTo(writer);
            }
            // The index's value wins over the stored metadata's for the same tag.
            if (next < fromMetadata.Count && fromMetadata[next].Tag == tag)
            {
                next++;
            }
        }

        foreach (var slot in plan.Slots)
        {
            WriteMetadataBelow(slot.Tag.Value);
            switch (slot.Attribute)
            {
                case { } attribute:
                    var value = row.Columns.GetValueOrDefault(attribute.Keyword);
                    if (attribute == QueryAttributes.ModalitiesInStudy && IsEmpty(value))
                    {
                        continue; // an empty ModalitiesInStudy breaks OHIF's study list
                    }
                    writer.WritePropertyName(slot.Name);
                    WriteAttribute(writer, attribute.VR, value);
                    break;
                case null when slot.Tag == DicomTags.InstanceAvailability:
                    writer.WritePropertyName(slot.Name);
                    WriteStrings(writer, DicomVR.CS, row.InstanceAvailability);
                    break;
                case null:
                    var url = RetrieveUrl(query.Level, row, serviceBase);
                    if (url is not null)
                    {
                        writer.WritePropertyName(slot.Name);
                        WriteStrings(writer, DicomVR.UR, url);
                    }
                    break;
            }
        }
        WriteMetadataBelow(uint.MaxValue);
        writer.WriteEndObject();
    }

    private static string? RetrieveUrl(QueryLevel level, QueryRow row, string serviceBase)
    {
        var study = row.Columns.GetValueOrDefault(QueryAttributes.StudyInstanceUid.Keyword) as string;
        var series = row.Columns.GetValueOrDefault(QueryAttributes.SeriesInstanceUid.Keyword) as string;
        var instance = row.Columns.GetValueOrDefault(QueryAttributes.SopInstanceUid.Keyword) as string;
        return level switch
        {
            QueryLevel.Study when study is not null => $"{serviceBase}/studies/{study}",
            QueryLevel.Series when study is not null && series is not null => $"{serviceBase}/studies/{study}/series/{series}",
            QueryLevel.Instance when study is not null && series is not null && instance is not null => $"{serviceBase}/studies/{study}/series/{series}/instances/{instance}",
            _ => null,
        };
    }

    private static JsonDocument OpenMetadata(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        return JsonDocument.Parse(gzip);
    }

    private static bool IsEmpty(object? value) => value is null || (value is string s && s.Length == 0);

    private static void WriteAttribute(Utf8JsonWriter writer, DicomVR vr, object? value)
    {
        switch (value)
        {
            case null:
            case string { Length: 0 }:
                writer.WriteStartObject();
                writer.WriteString("vr", vr.ToCode());
                writer.WriteEndObject();
                break;
            case long or int or short:
                writer.WriteStartObject();
                writer.WriteString("vr", vr.ToCode());
                writer.WriteStartArray("Value");
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                WriteStrings(writer, vr, Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
        }
    }

    private static void WriteGroup(Utf8JsonWriter writer, string group, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(group, value);
        }
    }

    /// <summary>A '\'-separated string value as the JSON of its VR: PN as component groups, IS/US as numbers.</summary>
    private static void WriteStrings(Utf8JsonWriter writer, DicomVR vr, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("vr", vr.ToCode());
        writer.WriteStartArray("Value");
        foreach (var value in vr is DicomVR.UR or DicomVR.LT or DicomVR.ST or DicomVR.UT ? [text] : text.Split('\\'))
        {
            if (vr == DicomVR.PN)
            {
                var name = DicomPersonName.Parse(value);
                writer.WriteStartObject();
                WriteGroup(writer, "Alphabetic", name.Alphabetic);
                WriteGroup(writer, "Ideographic", name.Ideographic);
                WriteGroup(writer, "Phonetic", name.Phonetic);
                writer.WriteEndObject();
            }
            else if (vr is DicomVR.IS or DicomVR.US && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
            }
            else if (value.Length == 0)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
