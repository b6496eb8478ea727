using DicomWebArchive.Cli.Bench;
using DicomWebArchive.Cli.Common;
using DicomWebArchive.Cli.Download;
using DicomWebArchive.Cli.Query;
using DicomWebArchive.Cli.Upload;
using DicomWebArchive.Cli.Viewer;
using Spectre.Console;
using Spectre.Console.Cli;

// A log or a pipe has no width: keep table rows whole instead of wrapping them at 80 columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 240;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("dicomweb");
    config.AddCommand<UploadCommand>("upload")
        .WithDescription("Store DICOM files, folders and ZIP archives with STOW-RS")
        .WithExample("upload", "http://localhost:8080/dicomweb", "./scans", "export.zip");
    config.AddCommand<QueryCommand>("query")
        .WithDescription("Search studies, series or instances with QIDO-RS")
        .WithExample("query", "http://localhost:8080/dicomweb", "--patient-name", "doe*", "--study-date", "20240101-");
    config.AddCommand<DownloadCommand>("download")
        .WithDescription("Fetch a study or a series with WADO-RS into {study}/{series}/{sop}.dcm")
        .WithExample("download", "http://localhost:8080/dicomweb", "1.2.3.4", "--out", "./study");
    config.AddCommand<BenchCommand>("bench")
        .WithDescription("Measure STOW, QIDO, metadata, frame and retrieve performance of a server with a corpus")
        .WithExample("bench", "http://localhost:8042/dicom-web", "--corpus", "./ct", "--json");
    config.AddBranch("viewer", viewer =>
    {
        viewer.SetDescription("The OHIF viewer the archive serves (Viewer:Path)");
        viewer.AddCommand<ViewerFetchCommand>("fetch")
            .WithDescription($"Download the prebuilt OHIF viewer (@ohif/app {OhifPackage.Version}) and print the setting that serves it")
            .WithExample("viewer", "fetch", "--out", "./ohif-viewer");
    });
    config.SetExceptionHandler((ex, _) => Errors.Report(ex));
});
return await app.RunAsync(args, cancel.Token);
