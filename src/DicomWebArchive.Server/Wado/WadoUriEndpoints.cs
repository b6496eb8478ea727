using DicomWebArchive.Core.Store;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// WADO-URI (PS3.18 §9) for EHR links: <c>/wado?requestType=WADO&amp;studyUID=&amp;seriesUID=&amp;objectUID=&amp;contentType=</c>.
/// application/dicom is served here; rendered content types go to <see cref="Rendered"/> when the rendering service
/// has registered a handler, otherwise they are 406.
/// </summary>
internal static class WadoUriEndpoints
{
    private const string DicomMediaType = "application/dicom";

    /// <summary>
    /// Serves a rendered content type (image/jpeg, image/png, ...) for the instance; the rendering service sets it at
    /// start-up. Arguments: the request, the instance row, the content type asked for.
    /// </summary>
    public static Func<HttpContext, InstanceRecord, string, Task<IResult>>? Rendered { get; set; }

    public static IEndpointRouteBuilder MapWadoUri(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/wado", RetrieveAsync)
            .WithName("WadoUri")
            .WithSummary("WADO-URI: retrieve an instance by UIDs in the query")
            .WithTags("WADO-URI")
            .Produces(StatusCodes.Status200OK, contentType: DicomMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        return endpoints;
    }

    private static async Task<IResult> RetrieveAsync(HttpContext context, IIndexReader index, IBlobStore blobs)
    {
        var query = context.Request.Query;
        if (!string.Equals(query["requestType"].ToString(), "WADO", StringComparison.Ordinal))
        {
            return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, "requestType=WADO is required.");
        }
        string?[] uids = [Single(query, "studyUID"), Single(query, "seriesUID"), Single(query, "objectUID")];
        string[] names = ["studyUID", "seriesUID", "objectUID"];
        for (int i = 0; i < uids.Length; i++)
        {
            if (string.IsNullOrEmpty(uids[i]))
            {
                return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, $"{names[i]} is required, exactly once.");
            }
            if (!UidSyntax.IsValid(uids[i]))
            {
                return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, $"{names[i]} '{WadoEndpoints.Shorten(uids[i]!)}' is not a valid UID.");
            }
        }
        string study = uids[0]!, series = uids[1]!, instance = uids[2]!;
        var cancellationToken = context.RequestAborted;
        var record = await WadoEndpoints.FindInstanceAsync(index, study, series, instance, cancellationToken);
        if (record is null)
        {
            return WadoEndpoints.NotFound(study, series, instance);
        }

        string contentType = ChooseContentType(query["contentType"].ToString(), record);
        if (contentType != DicomMediaType)
        {
            if (query.ContainsKey("transferSyntax"))
            {
                return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, "transferSyntax applies to contentType=application/dicom only.");
            }
            return Rendered is { } render
                ? await render(context, record, contentType)
                : WadoEndpoints.Problem(StatusCodes.Status406NotAcceptable, $"contentType {WadoEndpoints.Shorten(contentType)} is not available; {DicomMediaType} is.");
        }

        string? requested = query.ContainsKey("transferSyntax") ? Single(query, "transferSyntax") : null;
        if (requested is not null && !UidSyntax.IsValid(requested))
        {
            return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, $"transferSyntax '{WadoEndpoints.Shorten(requested)}' is not a UID.");
        }
        if (query.ContainsKey("transferSyntax") && requested is null)
        {
            return WadoEndpoints.Problem(StatusCodes.Status400BadRequest, "transferSyntax must be given once.");
        }
        var stored = WadoEndpoints.Syntax(record);
        var target = RetrieveNegotiator.ResolveInstanceSyntax(requested, stored);
        if (target is null)
        {
            return WadoEndpoints.Problem(StatusCodes.Status406NotAcceptable,
                $"The instance is stored as {stored.Name} ({stored.Uid}) and cannot be sent as {requested}; ask for transferSyntax={stored.Uid}"
                + (stored.IsEncapsulated ? "." : $" or {TransferSyntax.ExplicitVRLittleEndian.Uid}."));
        }
        var response = context.Response;
        response.ContentType = $"{DicomMediaType}; transfer-syntax={target.Uid}";
        response.Headers.ContentDisposition = $"attachment; filename=\"{instance}.dcm\"";
        if (target == stored)
        {
            response.ContentLength = record.Size;
        }
        await WadoEndpoints.WriteInstanceAsync(response.Body, blobs, record.ToContent(), target, cancellationToken);
        return Results.Empty;
    }

    /// <summary>
    /// contentType is a list in preference order; application/dicom wins when listed first or when nothing else is
    /// served. Without contentType, images go to the rendered handler when there is one (the usual EHR link).
    /// </summary>
    private static string ChooseContentType(string text, InstanceRecord record)
    {
        var types = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.Split(';')[0].Trim().ToLowerInvariant()).ToList();
        if (types.Count == 0)
        {
            return Rendered is not null && record.Rows is not null ? "image/jpeg" : DicomMediaType;
        }
        if (Rendered is null && types.Contains(DicomMediaType))
        {
            return DicomMediaType;
        }
        return types[0] is "*/*" ? DicomMediaType : types[0];
    }

    private static string? Single(IQueryCollection query, string name) => query[name] is { Count: 1 } values ? values[0] : null;
}
