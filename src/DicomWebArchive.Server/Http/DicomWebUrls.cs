using DicomWebArchive.Server.Hosting;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Http;

internal static class DicomWebUrls
{
    /// <summary>
    /// The absolute URL of the DICOMweb root (no trailing slash), for RetrieveURLs, BulkDataURIs and Warning headers:
    /// this request's scheme, host and path base, then the configured DicomWeb:BasePath.
    /// </summary>
    public static string Root(HttpRequest request, DicomWebOptions options) => $"{request.Scheme}://{request.Host}{request.PathBase}{options.BasePath}";
}
