using DicomWebArchive.Server.Hosting;
using System.Text.Encodings.Web;
using System.Text.Json;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Wado;
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

    public static IServiceCollection AddQido(this IServiceCollection services)
    {
        services.AddOptions<QidoOptions>()
            .BindConfiguration(QidoOptions.Section)
            .Validate(o => o.DefaultLimit >= 1 && o.MaxLimit >= o.DefaultLimit, "Qido:DefaultLimit must be at least 1 and Qido:MaxLimit at least Qido:DefaultLimit.")
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapQido(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/studies", (HttpContext context, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Study, null, null)).WithQido("SearchStudies", "Search for studies");
        endpoints.MapGet("/series", (HttpContext context, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Series, null, null)).WithQido("SearchSeries", "Search for series of all studies");
        endpoints.MapGet("/instances", (HttpContext context, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Instance, null, null)).WithQido("SearchInstances", "Search for instances of all studies");
        endpoints.MapGet("/studies/{study}/series", (HttpContext context, string study, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Series, study, null)).WithQido("SearchStudySeries", "Search for series of a study");
        endpoints.MapGet("/studies/{study}/instances", (HttpContext context, string study, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Instance, study, null)).WithQido("SearchStudyInstances", "Search for instances of a study");
        endpoints.MapGet("/studies/{study}/series/{series}/instances", (HttpContext context, string study, string series, IQueryIndex index, IOptions<QidoOptions> options) =>
            SearchAsync(context, index, options.Value, QueryLevel.Instance, study, series)).WithQido("SearchSeriesInstances", "Search for instances of a series");
        return endpoints;
    }

    private static RouteHandlerBuilder WithQido(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("QIDO-RS")
        .Produces(StatusCodes.Status200OK, contentType: JsonMediaType)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status406NotAcceptable);

    private static async Task<IResult> SearchAsync(HttpContext context, IQueryIndex index, QidoOptions options, QueryLevel level, string? study, string? series)
    {
        var ranges = MediaRange.ParseList(context.Request.Headers.Accept.ToString(), context.Request.Query["accept"].ToString());
        var xml = DicomXmlMultipart.Preferred(ranges);
        if (!xml && !RetrieveNegotiator.AcceptsDicomJson(ranges))
        {
            return Problem(StatusCodes.Status406NotAcceptable, "Not acceptable",
                $"Search results are available as {JsonMediaType} or multipart/related; type=\"{DicomXmlMultipart.XmlMediaType}\".");
        }
        foreach (var uid in new[] { study, series })
        {
            if (uid is not null && !UidSyntax.IsValid(uid))
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid UID", $"'{Shorten(uid)}' in the path is not a valid UID.");
            }
        }

        var serviceBase = DicomWebUrls.Root(context.Request);
        QidoQuery query;
        try
        {
            query = new QidoQueryParser(options.DefaultLimit, options.MaxLimit, serviceBase)
                .Parse(level, study, series, context.Request.Query, keyword => DicomDictionary.TryGetTag(keyword, out var tag) ? tag : null);
        }
        catch (QueryException error)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid search", error.Message);
        }

        // One row more than asked tells whether results were cut.
        var rows = await index.SearchAsync(query with { Limit = query.Limit + 1 }, context.RequestAborted);
        var warnings = query.Warnings.ToList();
        if (rows.Count > query.Limit)
        {
            rows = rows.Take(query.Limit).ToArray();
            warnings.Add($"299 {serviceBase}: \"The number of results exceeded the maximum supported by the server. Additional results can be requested.\"");
        }
        foreach (var warning in warnings)
        {
            context.Response.Headers.Append(HeaderNames.Warning, warning);
        }
        return new QidoResult(query, rows, serviceBase, xml);
    }

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    /// <summary>Streams the results as DICOM JSON, or as one Native DICOM Model part per result.</summary>
    private sealed class QidoResult(QidoQuery query, IReadOnlyList<QueryRow> rows, string serviceBase, bool xml) : IResult
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

/// <summary>Section "Qido": paging limits.</summary>
internal sealed class QidoOptions
{
    public const string Section = "Qido";

    /// <summary>Results per page when the request names no limit.</summary>
    public int DefaultLimit { get; set; } = 1000;

    /// <summary>The largest limit honoured; larger ones are capped with a Warning header.</summary>
    public int MaxLimit { get; set; } = 1000;
}
