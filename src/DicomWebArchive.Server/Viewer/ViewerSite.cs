using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace DicomWebArchive.Server.Viewer;

/// <summary>
/// A prebuilt OHIF viewer (the dist folder of the @ohif/app package) as the archive serves it: its files, and the two
/// documents the archive writes itself, index.html (for the path the viewer is opened under) and app-config.js (OHIF's
/// data source pointed at this archive).
/// </summary>
internal sealed partial class ViewerSite
{
    /// <summary>Characters no file of the viewer has in its name.</summary>
    private const string Unsafe = "\\%:*?\"<>|";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    private readonly string _index;

    private ViewerSite(string root, string index)
    {
        Files = new PhysicalFileProvider(root);
        _index = index;
    }

    public PhysicalFileProvider Files { get; }

    /// <summary>The viewer in <paramref name="path"/>; null with a message naming the setting when there is none.</summary>
    public static ViewerSite? Load(string path, out string? problem)
    {
        string root = System.IO.Path.GetFullPath(path);
        string index = System.IO.Path.Combine(root, "index.html");
        if (!Directory.Exists(root))
        {
            problem = $"Viewer:Path '{root}' does not exist: the viewer is not served. 'dicomweb viewer fetch' downloads it.";
            return null;
        }
        if (!File.Exists(index))
        {
            problem = $"Viewer:Path '{root}' holds no index.html: the viewer is not served. It must name the dist folder of the @ohif/app package ('dicomweb viewer fetch' downloads it).";
            return null;
        }
        problem = null;
        return new ViewerSite(root, File.ReadAllText(index));
    }

    /// <summary>
    /// OHIF's index.html for a viewer opened under <paramref name="pathBase"/> (empty at the site root, /links/{token}
    /// for a signed link): the router and app-config.js are found under it, so every request the viewer makes carries it.
    /// The bundles stay at the site root, where OHIF's build expects them.
    /// </summary>
    public string Index(string pathBase) => pathBase.Length == 0 ? _index : _index
        .Replace("window.PUBLIC_URL=\"/\"", "window.PUBLIC_URL=" + Js(pathBase + "/"), StringComparison.Ordinal)
        .Replace("\"/app-config.js\"", Js(pathBase + "/app-config.js"), StringComparison.Ordinal);

    /// <summary>
    /// OHIF's configuration with one DICOMweb data source: this archive, on the origin the viewer was loaded from, under
    /// <paramref name="pathBase"/> (a signed link's path keeps every data request within the link).
    /// </summary>
    public static string AppConfig(string pathBase, string dicomWebBasePath) => $$"""
        // Written by DicomWebArchive: OHIF reads its studies from the archive that serves it.
        window.config = (() => {
          const site = window.location.origin + {{Js(pathBase)}};
          const dicomWeb = site + {{Js(dicomWebBasePath)}};
          return {
            routerBasename: null,
            extensions: [],
            modes: [],
            customizationService: {},
            showStudyList: true,
            maxNumberOfWebWorkers: 3,
            showWarningMessageForCrossOrigin: false,
            showCPUFallbackMessage: true,
            showLoadingIndicator: true,
            strictZSpacingForVolumeViewport: true,
            investigationalUseDialog: { option: 'never' },
            maxNumRequests: { interaction: 100, thumbnail: 5, prefetch: 25 },
            defaultDataSourceName: 'archive',
            dataSources: [
              {
                namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
                sourceName: 'archive',
                configuration: {
                  friendlyName: 'DicomWebArchive',
                  name: 'archive',
                  wadoUriRoot: site + '/wado',
                  qidoRoot: dicomWeb,
                  wadoRoot: dicomWeb,
                  qidoSupportsIncludeField: true,
                  supportsFuzzyMatching: true,
                  supportsWildcard: true,
                  imageRendering: 'wadors',
                  thumbnailRendering: 'wadors',
                  enableStudyLazyLoad: true,
                  staticWado: false,
                  singlepart: 'bulkdata,video',
                  bulkDataURI: { enabled: true, relativeResolution: 'studies' },
                  omitQuotationForMultipartRequest: true,
                },
              },
            ],
          };
        })();

        """;

    public static string ContentType(string name) =>
        ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream";

    /// <summary>
    /// Files whose name carries a content hash (app.bundle.0f6159c501addfe9.js, 0ddf166f7a343eda.wasm) never change
    /// under that name: browsers may keep them. Everything else is revalidated.
    /// </summary>
    public static bool IsImmutable(string name) => HashedName().IsMatch(name);

    /// <summary>
    /// A path the viewer may answer: segments of ordinary file names. Dot segments, backslashes, encoded characters left
    /// by the server (an encoded slash stays %2F), hidden names and control characters are refused.
    /// </summary>
    public static bool IsSafePath(string path)
    {
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.StartsWith('.') || segment.AsSpan().IndexOfAny(Unsafe) >= 0 || segment.Any(char.IsControl))
            {
                return false;
            }
        }
        return true;
    }

    private static string Js(string text) => JsonSerializer.Serialize(text);

    [GeneratedRegex(@"(^|[.\-])[0-9a-f]{16,}\.[a-z0-9]+$")]
    private static partial Regex HashedName();
}
