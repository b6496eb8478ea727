using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// WADO-RS (PS3.18 §10.4): instances, metadata, frames and bulk data, streamed from the blob store. The index row of
/// each instance says where everything is; request handling never parses DICOM except to convert native data or to
/// find a bulk data value other than Pixel Data.
/// </summary>
internal static partial class WadoEndpoints
{
    private const string Instance = "/studies/{study}/series/{series}/instances/{instance}";

    public static IEndpointRouteBuilder MapWado(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/studies/{study}", (HttpContext c, string study, IIndexReader index, IBlobStore blobs) =>
            RetrieveInstancesAsync(c, index, blobs, study, null, null)).WithWado("RetrieveStudy", "Retrieve a study's instances").WithMetadata(new DicomDirOption());
        endpoints.MapGet("/studies/{study}/series/{series}", (HttpContext c, string study, string series, IIndexReader index, IBlobStore blobs) =>
            RetrieveInstancesAsync(c, index, blobs, study, series, null)).WithWado("RetrieveSeries", "Retrieve a series' instances").WithMetadata(new DicomDirOption());
        endpoints.MapGet(Instance, (HttpContext c, string study, string series, string instance, IIndexReader index, IBlobStore blobs) =>
            RetrieveInstancesAsync(c, index, blobs, study, series, instance)).WithWado("RetrieveInstance", "Retrieve an instance").WithMetadata(new DicomDirOption());
        endpoints.MapGet("/studies/{study}/metadata", (HttpContext c, string study, IIndexReader index) =>
            RetrieveMetadataAsync(c, index, study, null, null)).WithWado("RetrieveStudyMetadata", "Retrieve a study's metadata");
        endpoints.MapGet("/studies/{study}/series/{series}/metadata", (HttpContext c, string study, string series, IIndexReader index) =>
            RetrieveMetadataAsync(c, index, study, series, null)).WithWado("RetrieveSeriesMetadata", "Retrieve a series' metadata");
        endpoints.MapGet(Instance + "/metadata", (HttpContext c, string study, string series, string instance, IIndexReader index) =>
            RetrieveMetadataAsync(c, index, study, series, instance)).WithWado("RetrieveInstanceMetadata", "Retrieve an instance's metadata");
        endpoints.MapGet(Instance + "/frames/{frames}", (HttpContext c, string study, string series, string instance, string frames, IIndexReader index, IBlobStore blobs) =>
            RetrieveFramesAsync(c, index, blobs, study, series, instance, frames)).WithWado("RetrieveFrames", "Retrieve frames of an instance");
        endpoints.MapGet(Instance + "/bulkdata/{**path}", (HttpContext c, string study, string series, string instance, string? path, IIndexReader index, IBlobStore blobs) =>
            RetrieveBulkDataAsync(c, index, blobs, study, series, instance, path)).WithWado("RetrieveBulkData", "Retrieve a bulk data value of an instance");
        return endpoints;
    }

    private static RouteHandlerBuilder WithWado(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("WADO-RS")
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

    internal static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status, title: status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status406NotAcceptable => "Not acceptable",
        StatusCodes.Status416RangeNotSatisfiable => "Range not satisfiable",
        _ => "Error",
    });

    internal static IResult? CheckUids(params string?[] uids)
    {
        foreach (var uid in uids)
        {
            if (uid is not null && !UidSyntax.IsValid(uid))
            {
                return Problem(StatusCodes.Status400BadRequest, $"'{Shorten(uid)}' is not a valid UID.");
            }
        }
        return null;
    }

    /// <summary>The instances a study, series or instance URL names, in index order; empty when the URL names nothing stored.</summary>
    internal static async Task<IReadOnlyList<InstanceContent>> FindContentsAsync(IIndexReader index, string study, string? series, string? instance, CancellationToken cancellationToken)
    {
        if (instance is not null)
        {
            return await FindInstanceAsync(index, study, series, instance, cancellationToken) is { } record ? [record.ToContent()] : [];
        }
        return await index.ListInstanceContentsAsync(study, series, cancellationToken);
    }

    /// <summary>The instance an instance URL names, when it is stored in that study and series.</summary>
    internal static async Task<InstanceRecord?> FindInstanceAsync(IIndexReader index, string study, string? series, string instance, CancellationToken cancellationToken)
    {
        var record = await index.GetInstanceAsync(instance, cancellationToken);
        return record is not null && record.StudyInstanceUid == study && record.SeriesInstanceUid == series ? record : null;
    }

    internal static IResult NotFound(string study, string? series, string? instance) => Problem(StatusCodes.Status404NotFound,
        instance is not null ? $"Instance {instance} of series {series} of study {study} is not stored."
        : series is not null ? $"Series {series} of study {study} is not stored."
        : $"Study {study} is not stored.");

    internal static IReadOnlyList<MediaRange> AcceptedRanges(HttpRequest request) =>
        MediaRange.ParseList(request.Headers.Accept.ToString(), request.Query["accept"].ToString());

    /// <summary>The absolute URL of the DICOMweb root with a trailing slash (what stored BulkDataURIs are relative to).</summary>
    internal static string ServiceRoot(HttpRequest request) => DicomWebUrls.Root(request) + "/";

    internal static Task<Stream> OpenBlobAsync(IBlobStore blobs, InstanceRecord record, CancellationToken cancellationToken) =>
        OpenBlobAsync(blobs, record.BlobKey, record.SopInstanceUid, cancellationToken);

    internal static Task<Stream> OpenBlobAsync(IBlobStore blobs, InstanceContent instance, CancellationToken cancellationToken) =>
        OpenBlobAsync(blobs, instance.BlobKey, instance.SopInstanceUid, cancellationToken);

    private static async Task<Stream> OpenBlobAsync(IBlobStore blobs, string blobKey, string sopInstanceUid, CancellationToken cancellationToken) =>
        await blobs.OpenReadAsync(blobKey, cancellationToken)
        ?? throw new InvalidOperationException($"The blob of instance {sopInstanceUid} is missing from the blob store.");

    internal static TransferSyntax Syntax(InstanceRecord record) => TransferSyntax.Lookup(record.TransferSyntaxUid);

    internal static TransferSyntax Syntax(InstanceContent instance) => TransferSyntax.Lookup(instance.TransferSyntaxUid);

    internal static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");
}
