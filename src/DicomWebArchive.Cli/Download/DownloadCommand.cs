using System.ComponentModel;
using System.IO.Compression;
using System.Text.Json;
using DicomWebArchive.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Download;

internal sealed class DownloadSettings : ServerSettings
{
    [CommandArgument(1, "<STUDY>")]
    [Description("Study Instance UID")]
    public string Study { get; set; } = "";

    [CommandArgument(2, "[SERIES]")]
    [Description("Series Instance UID: only this series")]
    public string? Series { get; set; }

    [CommandOption("-o|--out <DIR>")]
    [Description("Folder for {study}/{series}/{sop}.dcm; instances already there are not fetched again")]
    public string Out { get; set; } = "";

    [CommandOption("--zip")]
    [Description("Also write {study}.zip (or {study}_{series}.zip) of the result into the output folder")]
    public bool Zip { get; set; }

    [CommandOption("--parallel <COUNT>")]
    [Description("Instances fetched at once")]
    [DefaultValue(4)]
    public int Parallel { get; set; } = 4;

    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(Out) ? ValidationResult.Error("--out DIR is required")
        : !InstanceRef.IsUid(Study) ? ValidationResult.Error($"'{Study}' is not a UID")
        : Series is not null && !InstanceRef.IsUid(Series) ? ValidationResult.Error($"'{Series}' is not a UID")
        : Parallel < 1 ? ValidationResult.Error("--parallel must be 1 or more")
        : base.Validate();
}

/// <summary>dicomweb download URL STUDY [SERIES] --out DIR: lists the instances with QIDO-RS and fetches each with WADO-RS.</summary>
internal sealed class DownloadCommand : AsyncCommand<DownloadSettings>
{
    private const int PageSize = 1000;

    public override async Task<int> ExecuteAsync(CommandContext context, DownloadSettings settings, CancellationToken cancellationToken)
    {
        using var client = new DicomWebClient(settings, settings.Parallel);
        await client.CheckAsync(cancellationToken).ConfigureAwait(false);
        var instances = await ListAsync(client, settings, cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            throw new CliException($"{client.Root} has no instances of study {settings.Study}{(settings.Series is null ? "" : " series " + settings.Series)}");
        }
        var unsafeUids = instances.Where(i => !InstanceRef.IsUid(i.Series) || !InstanceRef.IsUid(i.Sop)).ToList();
        var valid = instances.Except(unsafeUids).ToList();
        Directory.CreateDirectory(settings.Out);

        var downloader = new InstanceDownloader(client, settings.Out);
        long received = 0;
        int done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = new DownloadOutcome[valid.Count];
        var work = Parallel.ForEachAsync(Enumerable.Range(0, valid.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                outcomes[i] = await downloader.FetchAsync(valid[i], n => Interlocked.Add(ref received, n), ct).ConfigureAwait(false);
                Interlocked.Increment(ref done);
            });
        await Ui.WithProgressAsync("Downloading", valid.Count, async () =>
        {
            await work.ConfigureAwait(false);
            return 0;
        }, () => (Volatile.Read(ref done), $"{Volatile.Read(ref done)}/{valid.Count} instances  "
            + $"{Ui.Number(Ui.Rate(Ui.Megabytes(Interlocked.Read(ref received)), clock.Elapsed))} MB/s")).ConfigureAwait(false);
        clock.Stop();

        var all = outcomes.Concat(unsafeUids.Select(i => new DownloadOutcome(i, DownloadStatus.Failed, 0, "the server listed an invalid UID"))).ToList();
        Summarize(all, clock.Elapsed);
        if (settings.Zip && all.All(o => o.Status != DownloadStatus.Failed))
        {
            string zip = WriteZip(settings, all);
            Ui.Out.WriteLine($"Wrote {Ui.Display(zip)}");
        }
        else if (settings.Zip)
        {
            Ui.Out.WriteLine("No zip written: some instances are missing; run the same command again to fetch them.");
        }
        return all.Any(o => o.Status == DownloadStatus.Failed) ? Errors.Failed : 0;
    }

    /// <summary>Every instance of the study (or series), page after page, until a page brings nothing new.</summary>
    private static async Task<List<InstanceRef>> ListAsync(DicomWebClient client, DownloadSettings settings, CancellationToken cancellationToken)
    {
        string resource = settings.Series is null ? $"/studies/{settings.Study}/instances" : $"/studies/{settings.Study}/series/{settings.Series}/instances";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var instances = new List<InstanceRef>();
        for (int offset = 0; ; )
        {
            using var response = await client.GetAsync($"{resource}?limit={PageSize}&offset={offset}&includefield=0020000E,00080018",
                DicomWebClient.DicomJson, cancellationToken, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var page = body.Length == 0 ? JsonDocument.Parse("[]") : JsonDocument.Parse(body);
            if (page.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliException($"{client.Root}{resource} answered JSON that is not a list of instances");
            }
            int added = 0;
            foreach (var item in page.RootElement.EnumerateArray())
            {
                string? series = Query.DicomJson.First(item, "0020000E") ?? settings.Series;
                string? sop = Query.DicomJson.First(item, "00080018");
                if (sop is not null && series is not null && seen.Add(sop))
                {
                    instances.Add(new InstanceRef(settings.Study, series, sop));
                    added++;
                }
            }
            if (added == 0)
            {
                return instances;
            }
            offset += page.RootElement.GetArrayLength();
        }
    }

    private static void Summarize(List<DownloadOutcome> outcomes, TimeSpan elapsed)
    {
        var failures = outcomes.Where(o => o.Status == DownloadStatus.Failed).ToList();
        if (failures.Count > 0)
        {
            var table = new Table().AddColumns("Instance", "Problem");
            foreach (var failure in failures.Take(100))
            {
                table.AddRow(Ui.Row(failure.Instance.RelativePath, failure.Detail));
            }
            Ui.Out.Write(table);
        }
        var fetched = outcomes.Where(o => o.Status == DownloadStatus.Downloaded).ToList();
        long bytes = fetched.Sum(o => o.Bytes);
        var summary = new Table().AddColumns("Outcome", "Instances");
        summary.AddRow(Ui.Row("downloaded", fetched.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        summary.AddRow(Ui.Row("already present", outcomes.Count(o => o.Status == DownloadStatus.Present).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        summary.AddRow(Ui.Row("failed", failures.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Ui.Out.Write(summary);
        Ui.Out.WriteLine($"{fetched.Count} instances, {Ui.Number(Ui.Megabytes(bytes))} MB in {Ui.Number(elapsed.TotalSeconds, "F2")} s: "
            + $"{Ui.Number(Ui.Rate(fetched.Count, elapsed))} instances/s, {Ui.Number(Ui.Rate(Ui.Megabytes(bytes), elapsed))} MB/s");
    }

    /// <summary>The downloaded files as one archive, written under a temporary name and renamed when complete.</summary>
    private static string WriteZip(DownloadSettings settings, List<DownloadOutcome> outcomes)
    {
        string zip = Path.Combine(settings.Out, settings.Series is null ? $"{settings.Study}.zip" : $"{settings.Study}_{settings.Series}.zip");
        string part = zip + ".part";
        try
        {
            using (var archive = ZipFile.Open(part, ZipArchiveMode.Create))
            {
                foreach (var outcome in outcomes)
                {
                    // Fastest: pixel data compresses poorly, and the point is one file to hand on, not a small one.
                    archive.CreateEntryFromFile(Path.Combine(settings.Out, outcome.Instance.RelativePath),
                        outcome.Instance.RelativePath.Replace('\\', '/'), CompressionLevel.Fastest);
                }
            }
            File.Move(part, zip, overwrite: true);
            return zip;
        }
        catch (IOException ex)
        {
            File.Delete(part);
            throw new CliException($"cannot write {zip}: {ex.Message}", ex);
        }
    }
}
