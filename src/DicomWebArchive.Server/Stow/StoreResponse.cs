using System.Globalization;
using System.Text.Json;
using System.Xml;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Stow;

internal enum StoreResponseFormat
{
    Json,
    Xml,
}

/// <summary>The Store Instances Response Module (PS3.18 Annex I) and the HTTP status that goes with it (Table 10.5.3-1).</summary>
internal sealed class StoreResponse(IReadOnlyList<StoreOutcome> outcomes, string? routeStudy, string dicomWebRoot, StoreResponseFormat format) : IResult
{
    public const string JsonMediaType = "application/dicom+json";
    public const string XmlMediaType = "application/dicom+xml";
    private const string NativeDicomNamespace = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
    private const string ErrorComment = "00000902";
    private const int RetryAfterSeconds = 10;

    public IReadOnlyList<StoreOutcome> Outcomes => outcomes;

    public int StatusCode
    {
        get
        {
            int stored = outcomes.Count(o => o.IsStored);
            if (stored == outcomes.Count)
            {
                return outcomes.Any(o => o.WarningReason is not null) ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
            }
            if (stored > 0)
            {
                return StatusCodes.Status202Accepted;
            }
            // Nothing stored: malformed input is a bad request; a blob store that cannot take anything now is unavailable
            // (the same request succeeds later); well-formed instances refused are a conflict.
            if (outcomes.All(o => StoreFailureReason.IsMalformed(o.FailureReason!.Value)))
            {
                return StatusCodes.Status400BadRequest;
            }
            return outcomes.All(o => o.FailureReason == StoreFailureReason.OutOfResources)
                ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status409Conflict;
        }
    }

    /// <summary>Picks the response format from Accept; null when nothing acceptable is offered (406).</summary>
    public static StoreResponseFormat? Negotiate(StringValues accept)
    {
        foreach (var range in MediaType.ParseAccept(accept))
        {
            string name = range.IsMultipart ? range.PartType ?? "" : range.Name;
            switch (name)
            {
                case JsonMediaType or "application/json" or "application/*" or "*/*":
                    return StoreResponseFormat.Json;
                case XmlMediaType:
                    return StoreResponseFormat.Xml;
            }
        }
        return null;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        if (format == StoreResponseFormat.Xml)
        {
            response.ContentType = XmlMediaType;
            await WriteXmlAsync(response.Body);
        }
        else
        {
            response.ContentType = JsonMediaType;
            await WriteJsonAsync(response.Body);
        }
    }

    private string? StudyUrl()
    {
        string? study = routeStudy ?? SingleStudy();
        return study is null ? null : $"{dicomWebRoot}/studies/{study}";
    }

    private string? SingleStudy()
    {
        var studies = outcomes.Where(o => o.IsStored).Select(o => o.StudyInstanceUid).Distinct().ToList();
        return studies.Count == 1 ? studies[0] : null;
    }

    private string InstanceUrl(StoreOutcome o) =>
        $"{dicomWebRoot}/studies/{o.StudyInstanceUid}/series/{o.SeriesInstanceUid}/instances/{o.SopInstanceUid}";

    private async Task WriteJsonAsync(Stream body)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        WriteJsonAttribute(json, "00081190", "UR", StudyUrl());
        var failed = outcomes.Where(o => !o.IsStored).ToList();
        if (failed.Count > 0)
        {
            WriteJsonSequence(json, "00081198", failed, (o, w) =>
            {
                WriteJsonAttribute(w, "00081150", "UI", o.SopClassUid);
                WriteJsonAttribute(w, "00081155", "UI", o.SopInstanceUid);
                WriteJsonNumber(w, "00081197", o.FailureReason!.Value);
                WriteJsonComment(w, o.Message);
            });
        }
        var stored = outcomes.Where(o => o.IsStored).ToList();
        if (stored.Count > 0)
        {
            WriteJsonSequence(json, "00081199", stored, (o, w) =>
            {
                WriteJsonAttribute(w, "00081150", "UI", o.SopClassUid);
                WriteJsonAttribute(w, "00081155", "UI", o.SopInstanceUid);
                WriteJsonAttribute(w, "00081190", "UR", InstanceUrl(o));
                if (o.WarningReason is { } warning)
                {
                    WriteJsonNumber(w, "00081196", warning);
                    WriteJsonComment(w, o.Message);
                }
            });
        }
        json.WriteEndObject();
    }

    private static void WriteJsonSequence(Utf8JsonWriter json, string tag, List<StoreOutcome> items, Action<StoreOutcome, Utf8JsonWriter> writeItem)
    {
        json.WriteStartObject(tag);
        json.WriteString("vr", "SQ");
        json.WriteStartArray("Value");
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeItem(item, json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteJsonAttribute(Utf8JsonWriter json, string tag, string vr, string? value)
    {
        json.WriteStartObject(tag);
        json.WriteString("vr", vr);
        if (value is not null)
        {
            json.WriteStartArray("Value");
            json.WriteStringValue(value);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    // Error Comment (0000,0902), as Microsoft's DICOM server sends it too: the reason in words, which the codes alone
    // cannot give ("which UID?"). The texts are the archive's own and may exceed LO's 64 characters: cut short, they
    // would not say what to fix.
    private static void WriteJsonComment(Utf8JsonWriter json, string? message)
    {
        if (message is not null)
        {
            WriteJsonAttribute(json, ErrorComment, "LO", message);
        }
    }

    private static void WriteJsonNumber(Utf8JsonWriter json, string tag, ushort value)
    {
        json.WriteStartObject(tag);
        json.WriteString("vr", "US");
        json.WriteStartArray("Value");
        json.WriteNumberValue(value);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // PS3.19 Native DICOM Model. The response is small, so it is built in memory and written once.
    private async Task WriteXmlAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("NativeDicomModel", NativeDicomNamespace);
            WriteXmlAttribute(xml, "00081190", "UR", "RetrieveURL", StudyUrl());
            var failed = outcomes.Where(o => !o.IsStored).ToList();
            if (failed.Count > 0)
            {
                WriteXmlSequence(xml, "00081198", "FailedSOPSequence", failed, (o, w) =>
                {
                    WriteXmlAttribute(w, "00081150", "UI", "ReferencedSOPClassUID", o.SopClassUid);
                    WriteXmlAttribute(w, "00081155", "UI", "ReferencedSOPInstanceUID", o.SopInstanceUid);
                    WriteXmlAttribute(w, "00081197", "US", "FailureReason", o.FailureReason!.Value.ToString(CultureInfo.InvariantCulture));
                    WriteXmlComment(w, o.Message);
                });
            }
            var stored = outcomes.Where(o => o.IsStored).ToList();
            if (stored.Count > 0)
            {
                WriteXmlSequence(xml, "00081199", "ReferencedSOPSequence", stored, (o, w) =>
                {
                    WriteXmlAttribute(w, "00081150", "UI", "ReferencedSOPClassUID", o.SopClassUid);
                    WriteXmlAttribute(w, "00081155", "UI", "ReferencedSOPInstanceUID", o.SopInstanceUid);
                    WriteXmlAttribute(w, "00081190", "UR", "RetrieveURL", InstanceUrl(o));
                    if (o.WarningReason is { } warning)
                    {
                        WriteXmlAttribute(w, "00081196", "US", "WarningReason", warning.ToString(CultureInfo.InvariantCulture));
                        WriteXmlComment(w, o.Message);
                    }
                });
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        await body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static void WriteXmlSequence(XmlWriter xml, string tag, string keyword, List<StoreOutcome> items, Action<StoreOutcome, XmlWriter> writeItem)
    {
        xml.WriteStartElement("DicomAttribute", NativeDicomNamespace);
        xml.WriteAttributeString("tag", tag);
        xml.WriteAttributeString("vr", "SQ");
        xml.WriteAttributeString("keyword", keyword);
        for (int i = 0; i < items.Count; i++)
        {
            xml.WriteStartElement("Item", NativeDicomNamespace);
            xml.WriteAttributeString("number", (i + 1).ToString(CultureInfo.InvariantCulture));
            writeItem(items[i], xml);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void WriteXmlComment(XmlWriter xml, string? message)
    {
        if (message is not null)
        {
            WriteXmlAttribute(xml, ErrorComment, "LO", "ErrorComment", message);
        }
    }

    private static void WriteXmlAttribute(XmlWriter xml, string tag, string vr, string keyword, string? value)
    {
        xml.WriteStartElement("DicomAttribute", NativeDicomNamespace);
        xml.WriteAttributeString("tag", tag);
        xml.WriteAttributeString("vr", vr);
        xml.WriteAttributeString("keyword", keyword);
        if (value is not null)
        {
            xml.WriteStartElement("Value", NativeDicomNamespace);
            xml.WriteAttributeString("number", "1");
            xml.WriteString(value);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }
}
