using System.Text.Encodings.Web;
using System.Text.Json;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Qido;

/// <summary>
/// QIDO-RS (PS3.18 §10.6). Results are application/dicom+json; a search without matches answers 200 with an empty
/// array (PS3.18 editions differ between 204 and 200; clients accept both, and an empty array needs no special case).
/// </summary>
internal static class QidoEndpoints
{
    private const string JsonMediaType = "application/dicom+json";

    public static IEndpointRouteBuilder MapQido(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/studies", ([AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Study, null, null)).WithQido("SearchStudies", "Search for studies");
        endpoints.MapGet("/series", ([AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Series, null, null)).WithQido("SearchSeries", "Search for series of all studies");
        endpoints.MapGet("/instances", ([AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Instance, null, null)).WithQido("SearchInstances", "Search for instances of all studies");
        endpoints.MapGet("/studies/{study}/series", (string study, [AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Series, study, null)).WithQido("SearchStudySeries", "Search for series of a study");
        endpoints.MapGet("/studies/{study}/instances", (string study, [AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Instance, study, null)).WithQido("SearchStudyInstances", "Search for instances of a study");
        endpoints.MapGet("/studies/{study}/series/{series}/instances", (string study, string series, [AsParameters] QidoRequestContext request) =>
            SearchAsync(request, QueryLevel.Instance, study, series)).WithQido("SearchSeriesInstances", "Search for instances of a series");
        return endpoints;
    }

    private static RouteHandlerBuilder WithQido(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("QIDO-RS")
        .WithMetadata(new AuditedAction(AuditActions.Search))
        .Produces(StatusCodes.Status200OK, contentType: JsonMediaType)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status406NotAcceptable);

    private static async Task<IResult> SearchAsync(QidoRequestContext request, QueryLevel level, string? study, string? series)
    {
        var http = request.Http;
        var ranges = MediaType.ParseAccept(http.Request);
        var xml = DicomXmlMultipart.Preferred(ranges);
        if (!xml && !DicomXmlMultipart.AcceptsDicomJson(ranges))
        {
            return Problems.NotAcceptable($"Search results are available as {JsonMediaType} or multipart/related; type=\"{DicomXmlMultipart.XmlMediaType}\".");
        }
        if (Problems.InvalidUid(study, series) is { } invalid)
        {
            return invalid;
        }

        var serviceBase = DicomWebUrls.Root(http.Request, request.DicomWeb.Value);
        var limits = request.Qido.Value;
        QidoRequest parsed;
        try
        {
            parsed = new QidoQueryParser(limits.DefaultLimit, limits.MaxLimit, serviceBase)
                .Parse(level, study, series, http.Request.Query, keyword => DicomDictionary.TryGetTag(keyword, out var tag) ? tag : null);
        }
        catch (QueryException error)
        {
            return Problems.BadRequest(error.Message);
        }

        var result = await request.Search.SearchAsync(http.Caller(), parsed.Query, http.RequestAborted);
        foreach (var warning in parsed.Warnings)
        {
            http.Response.Headers.Append(HeaderNames.Warning, warning);
        }
        if (result.HasMore)
        {
            http.Response.Headers.Append(HeaderNames.Warning,
                $"299 {serviceBase}: \"The number of results exceeded the maximum supported by the server. Additional results can be requested.\"");
        }
        return new QidoResult(parsed.Query, result.Rows, serviceBase, xml);
    }

    /// <summary>Streams the results as DICOM JSON, or as one Native DICOM Model part per result.</summary>
    private sealed class QidoResult(SearchQuery query, IReadOnlyList<QueryRow> rows, string serviceBase, bool xml) : IResult
    {
        private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            if (xml)
            {
                if (rows.Count == 0)
                {
                    httpContext.Response.StatusCode = StatusCodes.Status204NoContent; // a multipart body needs at least one part
                    return;
                }
                using var json = new MemoryStream();
                using (var jsonWriter = new Utf8JsonWriter(json, WriterOptions))
                {
                    QidoResultWriter.Write(jsonWriter, query, rows, serviceBase);
                }
                using var document = JsonDocument.Parse(json.GetBuffer().AsMemory(0, (int)json.Length));
                httpContext.Response.StatusCode = StatusCodes.Status200OK;
                await DicomXmlMultipart.WriteAsync(httpContext.Response, document.RootElement, httpContext.RequestAborted);
                return;
            }
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = JsonMediaType;
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, WriterOptions);
            QidoResultWriter.Write(writer, query, rows, serviceBase);
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}

/// <summary>What a QIDO-RS handler binds besides its route values.</summary>
internal readonly record struct QidoRequestContext(HttpContext Http, SearchService Search, IOptions<QidoOptions> Qido, IOptions<DicomWebOptions> DicomWeb);

/// <summary>Section "Qido": paging limits.</summary>
internal sealed class QidoOptions : IArchiveOptions
{
    public static string Section => "Qido";

    /// <summary>Results per page when the request names no limit.</summary>
    public int DefaultLimit { get; set; } = 1000;

    /// <summary>The largest limit honoured; larger ones are capped with a Warning header.</summary>
    public int MaxLimit { get; set; } = 1000;

    public IEnumerable<string> Validate()
    {
        if (DefaultLimit < 1 || MaxLimit < DefaultLimit || MaxLimit == int.MaxValue)
        {
            yield return "Qido:DefaultLimit must be at least 1 and Qido:MaxLimit at least Qido:DefaultLimit.";
        }
    }
}
