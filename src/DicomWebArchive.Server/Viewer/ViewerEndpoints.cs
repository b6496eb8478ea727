using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Viewer;

/// <summary>
/// The OHIF viewer at the site root when Viewer:Path names its dist folder: / is the study list,
/// /viewer?StudyInstanceUIDs=… opens a study, and under a signed link (/links/{token}/viewer?…) the same viewer reads
/// only through that link. Its files are public; the data it fetches is not. Every other route keeps priority.
/// </summary>
internal static class ViewerEndpoints
{
    private const string Revalidate = "no-cache";
    private const string Forever = "public, max-age=31536000, immutable";

    public static WebApplication MapViewer(this WebApplication app)
    {
        string? path = app.Configuration.GetSection(ViewerOptions.Section).Get<ViewerOptions>()?.Path;
        if (string.IsNullOrWhiteSpace(path))
        {
            app.Logger.LogInformation("Viewer:Path is not set: no viewer is served ('dicomweb viewer fetch' downloads OHIF).");
            return app;
        }
        if (ViewerSite.Load(path, out string? problem) is not { } site)
        {
            app.Logger.LogWarning("{Problem}", problem);
            return app;
        }
        app.Logger.LogInformation("Serving the viewer in {Path} at the site root.", site.Files.Root);
        string dicomWeb = app.Configuration.DicomWebBasePath();
        string[] reserved = [dicomWeb, "/api", "/health", "/swagger", "/wado", "/links"];

        // The lowest order: any other route that matches wins.
        app.MapMethods("/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http) => Serve(http, site, dicomWeb, reserved))
            .WithOrder(int.MaxValue)
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext http, ViewerSite site, string dicomWeb, string[] reserved)
    {
        var request = http.Request;
        if (reserved.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.NotFound("Nothing is served at this path.");
        }
        string path = request.Path.Value ?? "/";
        if (!ViewerSite.IsSafePath(path))
        {
            return Problems.BadRequest("The path names no file of the viewer.");
        }
        string pathBase = request.PathBase.Value ?? "";
        if (path == "/app-config.js")
        {
            return Document(http, ViewerSite.AppConfig(pathBase, dicomWeb), "text/javascript; charset=utf-8");
        }
        var file = site.Files.GetFileInfo(path);
        if (path is "/" or "/index.html" || !file.Exists || file.IsDirectory)
        {
            // A route of the viewer (/viewer, /segmentation, ...) is its page; a missing file is not.
            return Path.HasExtension(path) && path != "/index.html"
                ? Problems.NotFound("The viewer has no such file.")
                : Document(http, site.Index(pathBase), "text/html; charset=utf-8");
        }
        http.Response.Headers.CacheControl = ViewerSite.IsImmutable(file.Name) ? Forever : Revalidate;
        var tag = new EntityTagHeaderValue($"\"{file.Length:x}-{file.LastModified.UtcTicks:x}\"");
        return TypedResults.PhysicalFile(file.PhysicalPath!, ViewerSite.ContentType(file.Name), lastModified: file.LastModified, entityTag: tag, enableRangeProcessing: true);
    }

    private static IResult Document(HttpContext http, string text, string contentType)
    {
        http.Response.Headers.CacheControl = Revalidate;
        return TypedResults.Text(text, contentType);
    }
}
