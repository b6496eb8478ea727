using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Rendering;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// WADO-URI (PS3.18 §9) for EHR links: <c>/wado?requestType=WADO&amp;studyUID=&amp;seriesUID=&amp;objectUID=&amp;contentType=</c>.
/// application/dicom is the stored instance; image/jpeg and image/png are rendered.
/// </summary>
internal static class WadoUriEndpoints
{
    private const string DicomMediaType = "application/dicom";

    public static IEndpointRouteBuilder MapWadoUri(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/wado", ([AsParameters] WadoUriRequest request) => RetrieveAsync(request))
            .WithName("WadoUri")
            .WithSummary("WADO-URI: retrieve an instance by UIDs in the query")
            .WithTags("WADO-URI")
            .WithMetadata(new AuditedAction(AuditActions.Retrieve))
            .Produces(StatusCodes.Status200OK, contentType: DicomMediaType, additionalContentTypes: ["image/jpeg", "image/png"])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        return endpoints;
    }

    private static async Task<IResult> RetrieveAsync(WadoUriRequest request)
    {
        var http = request.Http;
        var query = http.Request.Query;
        if (!string.Equals(query["requestType"].ToString(), "WADO", StringComparison.Ordinal))
        {
            return Problems.BadRequest("requestType=WADO is required.");
        }
        string?[] uids = [Single(query, "studyUID"), Single(query, "seriesUID"), Single(query, "objectUID")];
        string[] names = ["studyUID", "seriesUID", "objectUID"];
        for (int i = 0; i < uids.Length; i++)
        {
            if (string.IsNullOrEmpty(uids[i]))
            {
                return Problems.BadRequest($"{names[i]} is required, exactly once.");
            }
            if (!DicomUid.IsKey(uids[i]))
            {
                return Problems.BadRequest($"{names[i]} '{Problems.Shorten(uids[i]!)}' is not a valid UID.");
            }
        }
        var scope = new InstanceScope(uids[0]!, uids[1]!, uids[2]!);
        var cancellationToken = http.RequestAborted;
        var record = await request.Retrieve.FindInstanceAsync(http.Caller(), scope, cancellationToken);
        if (record is null)
        {
            return Problems.NotStored(scope);
        }

        string contentType = ChooseContentType(query["contentType"].ToString(), record);
        if (contentType != DicomMediaType)
        {
            return query.ContainsKey("transferSyntax")
                ? Problems.BadRequest("transferSyntax applies to contentType=application/dicom only.")
                : await RenderedEndpoints.RenderWadoUriAsync(http, request.Render, record, contentType);
        }

        string? requested = query.ContainsKey("transferSyntax") ? Single(query, "transferSyntax") : null;
        if (query.ContainsKey("transferSyntax") && requested is null)
        {
            return Problems.BadRequest("transferSyntax must be given once.");
        }
        if (requested is not null && !DicomUid.IsKey(requested))
        {
            return Problems.BadRequest($"transferSyntax '{Problems.Shorten(requested)}' is not a UID.");
        }
        var stored = TransferSyntax.Lookup(record.TransferSyntaxUid);
        var target = RetrieveNegotiator.ResolveInstanceSyntax(requested, stored);
        if (target is null)
        {
            return Problems.NotAcceptable(
                $"The instance is stored as {stored.Name} ({stored.Uid}) and cannot be sent as {requested}; ask for transferSyntax={stored.Uid}"
                + (stored.IsEncapsulated ? "." : $" or {TransferSyntax.ExplicitVRLittleEndian.Uid}."));
        }
        var response = http.Response;
        response.ContentType = $"{DicomMediaType}; transfer-syntax={target.Uid}";
        response.Headers.ContentDisposition = $"attachment; filename=\"{record.SopInstanceUid}.dcm\"";
        if (target == stored)
        {
            response.ContentLength = record.Size;
        }
        await request.Retrieve.WriteAsync(record.ToContent(), target, response.Body, cancellationToken);
        return Results.Empty;
    }

    /// <summary>
    /// contentType is a list in preference order; the first is served. Without contentType, images are rendered as
    /// image/jpeg (the usual EHR link) and other instances are sent as application/dicom.
    /// </summary>
    private static string ChooseContentType(string text, InstanceRecord record)
    {
        var types = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split(';')[0].Trim().ToLowerInvariant()).ToList();
        if (types.Count == 0)
        {
            return record.Rows is not null ? "image/jpeg" : DicomMediaType;
        }
        return types[0] is "*/*" ? DicomMediaType : types[0];
    }

    private static string? Single(IQueryCollection query, string name) => query[name] is { Count: 1 } values ? values[0] : null;
}

/// <summary>What the WADO-URI handler binds.</summary>
internal readonly record struct WadoUriRequest(HttpContext Http, RetrieveService Retrieve, RenderService Render);
