using System.ComponentModel;
using DicomWebArchive.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Viewer;

internal sealed class ViewerFetchSettings : CommandSettings
{
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for the viewer (OHIF's dist folder), the value of the server's Viewer:Path")]
    [DefaultValue("ohif-viewer")]
    public string Out { get; set; } = "ohif-viewer";

    [CommandOption("--registry <URL>")]
    [Description("npm registry to download @ohif/app from (a mirror)")]
    [DefaultValue(OhifPackage.DefaultRegistry)]
    public string Registry { get; set; } = OhifPackage.DefaultRegistry;

    [CommandOption("--force")]
    [Description("Download again over a viewer already in the folder")]
    public bool Force { get; set; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR must name a folder")
        : !Uri.TryCreate(Registry, UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https")
            ? ValidationResult.Error($"'{Registry}' is not an http:// or https:// registry URL")
        : ValidationResult.Success();
}

/// <summary>dicomweb viewer fetch [--out DIR]: downloads the prebuilt OHIF viewer the archive serves with Viewer:Path.</summary>
internal sealed class ViewerFetchCommand : AsyncCommand<ViewerFetchSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ViewerFetchSettings settings, CancellationToken cancellationToken)
    {
        string target = Path.GetFullPath(settings.Out);
        bool present = File.Exists(Path.Combine(target, "index.html"));
        if (present && !settings.Force)
        {
            Ui.Out.WriteLine($"{target} already holds a viewer (--force downloads it again).");
            PrintSetting(target);
            return 0;
        }
        if (!present && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            throw new CliException($"{target} holds other files than a viewer: choose an empty or new folder with --out");
        }

        var tarball = OhifPackage.TarballUrl(settings.Registry);
        long received = 0;
        int files = await Ui.WithStatusAsync($"Downloading OHIF {OhifPackage.Version}", update => OhifPackage.DownloadAsync(tarball, target,
            n => update($"Downloading OHIF {OhifPackage.Version} from {tarball.Host}: {Ui.Number(Ui.Megabytes(received += n))} MB"),
            cancellationToken)).ConfigureAwait(false);
        Ui.Out.WriteLine($"OHIF {OhifPackage.Version} ({files} files from {tarball}) is in {target}.");
        PrintSetting(target);
        return 0;
    }

    private static void PrintSetting(string target)
    {
        Ui.Out.WriteLine("Serve it at the archive's site root with this setting:");
        Ui.Out.WriteLine($"  --Viewer:Path={target}    (environment: Viewer__Path={target})");
    }
}
