namespace DicomWebArchive.Server.Viewer;

/// <summary>
/// Section "Viewer": the folder of a prebuilt OHIF viewer (the dist folder of the @ohif/app package) that the archive
/// serves at its site root. A missing or wrong folder is logged and the viewer is not served; the archive still starts.
/// </summary>
internal sealed class ViewerOptions
{
    public const string Section = "Viewer";

    /// <summary>The dist folder; no viewer when empty.</summary>
    public string? Path { get; set; }
}
