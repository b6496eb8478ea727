using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Xml;
using DicomWebArchive.Dicom.Xml;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// multipart/related; type="application/dicom+xml": one Native DICOM Model document per data set (PS3.18 §8.7.4),
/// made from the DICOM JSON the JSON answer would carry.
/// </summary>
internal static class DicomXmlMultipart
{
    public const string XmlMediaType = "application/dicom+xml";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false, Async = false };

    /// <summary>True when the ranges ask for XML multipart rather than (or before) JSON.</summary>
    public static bool Preferred(IReadOnlyList<MediaType> ranges)
    {
        foreach (var range in ranges)
        {
            if (range.IsMultipart && range.PartType == XmlMediaType)
            {
                return true;
            }
            if (!range.IsMultipart && (range.Admits("application/dicom+json") || range.Admits("application/json")))
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>True when the ranges admit DICOM JSON (application/dicom+json or application/json).</summary>
    public static bool AcceptsDicomJson(IReadOnlyList<MediaType> ranges) =>
        ranges.Any(r => !r.IsMultipart && (r.Admits("application/dicom+json") || r.Admits("application/json")));

    /// <param name="datasets">A JSON array of DICOM JSON data-set objects.</param>
    public static async Task WriteAsync(HttpResponse response, JsonElement datasets, CancellationToken cancellationToken)
    {
        var boundary = MultipartWriter.NewBoundary();
        response.ContentType = MultipartWriter.ContentType(XmlMediaType, boundary);
        var multipart = new MultipartWriter(response.BodyWriter, boundary);
        var header = multipart.PartHeader($"{XmlMediaType}; charset=utf-8", null);
        foreach (var dataset in datasets.EnumerateArray())
        {
            multipart.BeginPart(header);
            using (var part = new MemoryStream())
            {
                using (var xml = XmlWriter.Create(part, Settings))
                {
                    DicomXmlWriter.WriteDocument(xml, dataset);
                }
                response.BodyWriter.Write(part.GetBuffer().AsSpan(0, (int)part.Length));
            }
            multipart.EndPart();
            await response.BodyWriter.FlushAsync(cancellationToken);
        }
        await multipart.CloseAsync(cancellationToken);
    }
}
