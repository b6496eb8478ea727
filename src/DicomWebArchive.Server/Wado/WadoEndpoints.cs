using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Security;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// WADO-RS (PS3.18 §10.4): instances, metadata, frames and bulk data. Each handler turns the request into a call of a
/// Core service (which finds what the caller may see and where its bytes are) and its answer back into HTTP.
/// </summary>
internal static partial class WadoEndpoints
{
    private const string Instance = "/studies/{study}/series/{series}/instances/{instance}";

    public static IEndpointRouteBuilder MapWado(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/studies/{study}", (string study, [AsParameters] WadoRequest request) =>
            RetrieveInstancesAsync(request, study, null, null)).WithWado("RetrieveStudy", "Retrieve a study's instances").WithMetadata(new DicomDirOption());
        endpoints.MapGet("/studies/{study}/series/{series}", (string study, string series, [AsParameters] WadoRequest request) =>
            RetrieveInstancesAsync(request, study, series, null)).WithWado("RetrieveSeries", "Retrieve a series' instances").WithMetadata(new DicomDirOption());
        endpoints.MapGet(Instance, (string study, string series, string instance, [AsParameters] WadoRequest request) =>
            RetrieveInstancesAsync(request, study, series, instance)).WithWado("RetrieveInstance", "Retrieve an instance").WithMetadata(new DicomDirOption());
        endpoints.MapGet("/studies/{study}/metadata", (string study, [AsParameters] MetadataRequest request) =>
            RetrieveMetadataAsync(request, study, null, null)).WithWado("RetrieveStudyMetadata", "Retrieve a study's metadata");
        endpoints.MapGet("/studies/{study}/series/{series}/metadata", (string study, string series, [AsParameters] MetadataRequest request) =>
            RetrieveMetadataAsync(request, study, series, null)).WithWado("RetrieveSeriesMetadata", "Retrieve a series' metadata");
        endpoints.MapGet(Instance + "/metadata", (string study, string series, string instance, [AsParameters] MetadataRequest request) =>
            RetrieveMetadataAsync(request, study, series, instance)).WithWado("RetrieveInstanceMetadata", "Retrieve an instance's metadata");
        endpoints.MapGet(Instance + "/frames/{frames}", (string study, string series, string instance, string frames, [AsParameters] WadoRequest request) =>
            RetrieveFramesAsync(request, study, series, instance, frames)).WithWado("RetrieveFrames", "Retrieve frames of an instance");
        endpoints.MapGet(Instance + "/bulkdata/{**path}", (string study, string series, string instance, string? path, [AsParameters] WadoRequest request) =>
            RetrieveBulkDataAsync(request, study, series, instance, path)).WithWado("RetrieveBulkData", "Retrieve a bulk data value of an instance");
        return endpoints;
    }

    private static RouteHandlerBuilder WithWado(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("WADO-RS")
        .WithMetadata(new AuditedAction(name switch
        {
            _ when name.EndsWith("Metadata", StringComparison.Ordinal) => AuditActions.Metadata,
            "RetrieveFrames" => AuditActions.Frames,
            _ => AuditActions.Retrieve,
        }))
        .Produces(StatusCodes.Status200OK, contentType: name switch
        {
            _ when name.EndsWith("Metadata", StringComparison.Ordinal) => "application/dicom+json",
            _ => "multipart/related",
        }, additionalContentTypes: name switch
        {
            _ when name.EndsWith("Metadata", StringComparison.Ordinal) => [],
            "RetrieveFrames" or "RetrieveBulkData" => ["application/octet-stream"],
            "RetrieveInstance" => ["application/dicom", "application/zip"],
            _ => ["application/zip"],
        })
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status406NotAcceptable);

    internal static TransferSyntax Syntax(InstanceContent instance) => TransferSyntax.Lookup(instance.TransferSyntaxUid);

    internal static TransferSyntax Syntax(InstanceRecord instance) => TransferSyntax.Lookup(instance.TransferSyntaxUid);
}

/// <summary>What a WADO-RS instances, frames or bulk data handler binds besides its route values.</summary>
internal readonly record struct WadoRequest(HttpContext Http, RetrieveService Retrieve, IOptions<DicomWebOptions> DicomWeb)
{
    public ArchiveCaller Caller => Http.Caller();

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The absolute URL of the DICOMweb root, no trailing slash.</summary>
    public string ServiceRoot => DicomWebUrls.Root(Http.Request, DicomWeb.Value);
}

/// <summary>What a WADO-RS metadata handler binds besides its route values.</summary>
internal readonly record struct MetadataRequest(HttpContext Http, MetadataService Metadata, MetadataCache Cache, IOptions<DicomWebOptions> DicomWeb);
