using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

internal static class DicomWebUrls
{
    /// <summary>
    /// The absolute URL of the DICOMweb root (no trailing slash), for RetrieveURLs, BulkDataURIs and Warning headers:
    /// this request's scheme, host and path base, then the configured DicomWeb:BasePath.
    /// </summary>
    public static string Root(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{request.HttpContext.RequestServices.GetRequiredService<IOptions<DicomWebOptions>>().Value.BasePath}";
}
