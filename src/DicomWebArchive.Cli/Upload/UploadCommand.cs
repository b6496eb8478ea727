using System.ComponentModel;
using DicomWebArchive.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Upload;

internal sealed class UploadSettings : ServerSettings
{
    [CommandArgument(1, "<PATH>")]
    [Description("Files, folders (searched recursively) and ZIP archives; DICOM is recognised by content, not by extension")]
    public string[] Paths { get; set; } = [];

    [CommandOption("--batch <COUNT>")]
    [Description("Instances per STOW request")]
    [DefaultValue(10)]
    public int Batch { get; set; } = 10;

    [CommandOption("--parallel <COUNT>")]
    [Description("Requests in flight at once")]
    [DefaultValue(4)]
    public int Parallel { get; set; } = 4;

    public override ValidationResult Validate() =>
        Batch < 1 ? ValidationResult.Error("--batch must be 1 or more")
        : Parallel < 1 ? ValidationResult.Error("--parallel must be 1 or more")
        : base.Validate();
}

/// <summary>dicomweb upload URL PATH...: finds DICOM, stores it with STOW-RS, tells what became of every file.</summary>
internal sealed class UploadCommand : AsyncCommand<UploadSettings>
{
    private const int ListedProblems = 100;

    public override async Task<int> ExecuteAsync(CommandContext context, UploadSettings settings, CancellationToken cancellationToken)
    {
        using var client = new DicomWebClient(settings, settings.Parallel);
        await client.CheckAsync(cancellationToken).ConfigureAwait(false);

        var corpus = await Ui.WithStatusAsync("Scanning", status =>
            CorpusScanner.ScanAsync(settings.Paths, settings.Parallel, n => status($"Scanning: {n} files"), cancellationToken)).ConfigureAwait(false);
        long total = corpus.Bytes;
        Ui.Out.MarkupLine($"Found {corpus.Sources.Count} DICOM instances ({Ui.Number(Ui.Megabytes(total))} MB), {corpus.Skipped.Count} other files");

        var run = new UploadRun(client, corpus.Sources, settings.Batch, settings.Parallel);
        var outcomes = await Ui.WithProgressAsync("Uploading", total, () => run.RunAsync(cancellationToken), () =>
            (run.SentBytes, $"{run.Completed}/{corpus.Sources.Count} instances  {Ui.Number(Ui.Rate(run.Completed, run.Elapsed))} instances/s  "
                + $"{Ui.Number(Ui.Rate(Ui.Megabytes(run.SentBytes), run.Elapsed))} MB/s")).ConfigureAwait(false);

        var all = outcomes.Concat(corpus.Skipped).ToList();
        Summarize(all, total, run.Elapsed);
        return all.Any(o => o.IsFailure) ? Errors.Failed : 0;
    }

    private static void Summarize(List<UploadOutcome> outcomes, long bytes, TimeSpan elapsed)
    {
        var problems = outcomes.Where(o => o.Status != UploadStatus.Stored).ToList();
        if (problems.Count > 0)
        {
            var list = new Table().AddColumns("File", "Outcome", "Detail");
            foreach (var problem in problems.Take(ListedProblems))
            {
                list.AddRow(Ui.Row(Ui.Display(problem.Name), Label(problem.Status), problem.Detail));
            }
            if (problems.Count > ListedProblems)
            {
                list.AddRow(Ui.Row($"... and {problems.Count - ListedProblems} more", "", ""));
            }
            Ui.Out.Write(list);
        }

        var summary = new Table().AddColumns("Outcome", "Files");
        foreach (var status in Enum.GetValues<UploadStatus>())
        {
            summary.AddRow(Ui.Row(Label(status), outcomes.Count(o => o.Status == status).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        Ui.Out.Write(summary);
        int sent = outcomes.Count(o => o.Status is UploadStatus.Stored or UploadStatus.Warning or UploadStatus.Refused);
        Ui.Out.WriteLine($"{sent} instances answered, {Ui.Number(Ui.Megabytes(bytes))} MB in {Ui.Number(elapsed.TotalSeconds, "F2")} s: "
            + $"{Ui.Number(Ui.Rate(sent, elapsed))} instances/s, {Ui.Number(Ui.Rate(Ui.Megabytes(bytes), elapsed))} MB/s");
    }

    private static string Label(UploadStatus status) => status switch
    {
        UploadStatus.Stored => "stored",
        UploadStatus.Warning => "stored with warning",
        UploadStatus.Refused => "refused",
        UploadStatus.Failed => "failed",
        UploadStatus.Skipped => "skipped",
        _ => "not DICOM",
    };
}
