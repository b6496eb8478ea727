using System.Text.Json.Serialization;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Security;

/// <summary>POST /api/links: a signed link to one study the caller may read, for an EHR's "view images" button.</summary>
internal static class LinkEndpoints
{
    public static IEndpointRouteBuilder MapLinks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/links", ([AsParameters] LinkRequest request, LinkOrder order) => CreateAsync(request, order))
            .WithName("CreateLink")
            .WithSummary("A signed link that reads one study until it expires")
            .WithTags("Links")
            .WithMetadata(new AuditedAction(AuditActions.Link))
            .RequireAuthorization(Scopes.Read)
            .Produces<LinkAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status501NotImplemented);
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(LinkRequest request, LinkOrder order)
    {
        if (!request.Links.IsEnabled)
        {
            return Problems.Of(StatusCodes.Status501NotImplemented, "Signed links are off: set Auth:LinkKey to base64 of 32 random bytes.");
        }
        if (string.IsNullOrEmpty(order.StudyInstanceUid) || !DicomUid.IsKey(order.StudyInstanceUid))
        {
            return Problems.BadRequest("studyInstanceUid must be the Study Instance UID of a stored study.");
        }
        var lifetime = TimeSpan.FromSeconds(order.ExpiresInSeconds ?? 3600);
        if (lifetime <= TimeSpan.Zero || lifetime > request.Links.MaxLifetime)
        {
            return Problems.BadRequest($"expiresInSeconds must be from 1 to {(long)request.Links.MaxLifetime.TotalSeconds} (Auth:MaxLinkLifetime).");
        }
        var http = request.Http;
        var caller = http.Caller();
        var scope = new InstanceScope(order.StudyInstanceUid);
        if (await request.Metadata.GetVersionAsync(caller, scope, http.RequestAborted) is null)
        {
            return Problems.NotStored(scope);
        }
        var (token, expiresAt) = request.Links.Create(order.StudyInstanceUid, lifetime, caller.Subject);
        string site = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/links/{token}";
        string dicomWeb = site + request.DicomWeb.Value.BasePath;
        return TypedResults.Ok(new LinkAnswer(token, expiresAt, new LinkUrls(dicomWeb, $"{dicomWeb}/studies/{order.StudyInstanceUid}", site + "/wado")));
    }
}

/// <summary>The body of POST /api/links.</summary>
internal sealed record LinkOrder(string? StudyInstanceUid, long? ExpiresInSeconds);

internal sealed record LinkAnswer(string Token, DateTimeOffset ExpiresAt, LinkUrls Urls);

/// <param name="DicomWeb">A DICOMweb root a viewer can be configured with: every URL below it carries the link.</param>
internal sealed record LinkUrls(
    [property: JsonPropertyName("dicomWeb")] string DicomWeb,
    string Study,
    [property: JsonPropertyName("wadoUri")] string WadoUri);

internal readonly record struct LinkRequest(HttpContext Http, SignedLinks Links, MetadataService Metadata, IOptions<DicomWebOptions> DicomWeb);
