using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using DicomWebArchive.Cli.Common;
using DicomWebArchive.Cli.Upload;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Bench;

internal sealed class BenchSettings : ServerSettings
{
    [CommandOption("--corpus <DIR>")]
    [Description("Folder (or ZIP) of DICOM files to store; its largest series is then read back")]
    public string Corpus { get; set; } = "";

    [CommandOption("--parallel <COUNT>")]
    [Description("STOW requests in flight at once")]
    [DefaultValue(4)]
    public int Parallel { get; set; } = 4;

    [CommandOption("--batch <COUNT>")]
    [Description("Instances per STOW request")]
    [DefaultValue(10)]
    public int Batch { get; set; } = 10;

    [CommandOption("--repeat <COUNT>")]
    [Description("Timed requests per latency figure and series retrievals")]
    [DefaultValue(20)]
    public int Repeat { get; set; } = 20;

    [CommandOption("--server-pid <PID>")]
    [Description("Process id of the server when it runs on this machine: its CPU time per stored instance is reported beside the client's")]
    public int? ServerPid { get; set; }

    [CommandOption("--stow-only")]
    [Description("Measure STOW-RS only: nothing is read back (ingest into a production archive, or a receiver that cannot answer queries)")]
    public bool StowOnly { get; set; }

    [CommandOption("--json")]
    [Description("Print every figure as one JSON object")]
    public bool Json { get; set; }

    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(Corpus) ? ValidationResult.Error("--corpus DIR is required")
        : Parallel < 1 || Batch < 1 || Repeat < 1 ? ValidationResult.Error("--parallel, --batch and --repeat must be 1 or more")
        : ServerPid is < 1 ? ValidationResult.Error("--server-pid must be a process id")
        : base.Validate();
}

/// <summary>
/// dicomweb bench URL --corpus DIR: what a viewer and an uploader feel, measured the same way on any server: STOW
/// throughput with the upload command's client, then OHIF's study-list queries, series metadata, single frames and
/// series retrieval on the corpus's largest series.
/// </summary>
internal sealed class BenchCommand : AsyncCommand<BenchSettings>
{
    private const string FrameAccept = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    private const string InstancesAccept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static readonly System.Buffers.SearchValues<char> Letters = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public override async Task<int> ExecuteAsync(CommandContext context, BenchSettings settings, CancellationToken cancellationToken)
    {
        using var server = settings.ServerPid is { } pid ? ServerProcessOf(pid) : null;
        using var client = new DicomWebClient(settings, settings.Parallel);
        await client.CheckAsync(cancellationToken).ConfigureAwait(false);
        var corpus = await CorpusScanner.ScanAsync([settings.Corpus], settings.Parallel, null, cancellationToken).ConfigureAwait(false);
        var series = corpus.Sources.Where(s => s.StudyInstanceUid is not null && s.SeriesInstanceUid is not null)
            .GroupBy(s => (Study: s.StudyInstanceUid!, Series: s.SeriesInstanceUid!)).MaxBy(g => g.Count())
            ?? throw new CliException($"no DICOM instances with study and series UIDs in {settings.Corpus}");

        var stow = await StowAsync(client, server, corpus.Sources, settings, cancellationToken).ConfigureAwait(false);
        var sops = series.Select(s => s.SopInstanceUid).Distinct(StringComparer.Ordinal).ToArray();
        var corpusFigures = new CorpusFigures(corpus.Sources.Count, corpus.Bytes, series.Key.Study, series.Key.Series, sops.Length);
        var report = settings.StowOnly
            ? new BenchReport(client.Root, settings.Repeat, corpusFigures, stow, null, null, null, null)
            : await ReadBackAsync(client, corpusFigures, sops, stow, settings, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            Print(report);
        }
        return 0;
    }

    /// <summary>OHIF's study-list queries, series metadata, single frames and series retrieval on the corpus's largest series.</summary>
    private static async Task<BenchReport> ReadBackAsync(DicomWebClient client, CorpusFigures corpus, string[] sops, StowFigures stow, BenchSettings settings, CancellationToken cancellationToken)
    {
        Step(settings, "QIDO-RS");
        var qido = await QidoAsync(client, corpus.StudyInstanceUid, settings.Repeat, cancellationToken).ConfigureAwait(false);

        Step(settings, "series metadata, frames, series retrieve");
        string seriesPath = $"/studies/{corpus.StudyInstanceUid}/series/{corpus.SeriesInstanceUid}";
        var (metadataTimes, _) = await Measure.TimeAsync(client, _ => seriesPath + "/metadata", DicomWebClient.DicomJson, settings.Repeat, cancellationToken).ConfigureAwait(false);
        // A different instance each time, as a viewer scrolling through the series asks.
        var (frameTimes, _) = await Measure.TimeAsync(client, i => $"{seriesPath}/instances/{sops[i * 7 % sops.Length]}/frames/1", FrameAccept, settings.Repeat, cancellationToken).ConfigureAwait(false);
        var (retrieveTimes, retrieveBytes) = await Measure.TimeAsync(client, _ => seriesPath, InstancesAccept, settings.Repeat, cancellationToken).ConfigureAwait(false);
        double retrieveSeconds = retrieveTimes.Sum() / 1000;

        return new BenchReport(
            client.Root,
            settings.Repeat,
            corpus,
            stow,
            qido,
            new LatencyFigures(seriesPath + "/metadata", Measure.Percentile(metadataTimes, 50), Measure.Percentile(metadataTimes, 95)),
            new LatencyFigures(seriesPath + "/instances/{sop}/frames/1", Measure.Percentile(frameTimes, 50), Measure.Percentile(frameTimes, 95)),
            new RetrieveFigures(seriesPath, retrieveBytes * settings.Repeat, retrieveSeconds, Ui.Rate(Ui.Megabytes(retrieveBytes * settings.Repeat), TimeSpan.FromSeconds(retrieveSeconds))));
    }

    /// <summary>
    /// One round of batches goes untimed, one per connection and all at once as in the timed run (connections, JIT,
    /// caches and the concurrent paths on both ends); the rest is the figure. A corpus too small for that warms up with
    /// one batch.
    /// </summary>
    private static async Task<StowFigures> StowAsync(DicomWebClient client, Process? server, IReadOnlyList<DicomSource> sources, BenchSettings settings, CancellationToken cancellationToken)
    {
        int warmUpCount = sources.Count >= 2 * settings.Batch * settings.Parallel ? settings.Batch * settings.Parallel
            : sources.Count >= 2 * settings.Batch ? settings.Batch : 0;
        var warmUp = sources.Take(warmUpCount).ToList();
        var timed = sources.Skip(warmUp.Count).ToList();
        Step(settings, $"STOW-RS: {timed.Count} instances, {settings.Parallel} connections x {settings.Batch} per request");
        int failed = 0;
        if (warmUp.Count > 0)
        {
            failed += (await new UploadRun(client, warmUp, settings.Batch, settings.Parallel).RunAsync(cancellationToken).ConfigureAwait(false)).Count(o => o.IsFailure);
        }
        var run = new UploadRun(client, timed, settings.Batch, settings.Parallel);
        using var self = Process.GetCurrentProcess();
        var serverCpu = CpuTime(server);
        var clientCpu = CpuTime(self);
        var outcomes = await run.RunAsync(cancellationToken).ConfigureAwait(false);
        serverCpu = CpuTime(server) - serverCpu;
        clientCpu = CpuTime(self) - clientCpu;
        failed += outcomes.Count(o => o.IsFailure);
        // Figures for a corpus the server did not take would compare nothing.
        if (failed > 0)
        {
            var first = outcomes.FirstOrDefault(o => o.IsFailure);
            throw new CliException($"STOW-RS: {failed} of {sources.Count} instances were not stored{(first is null ? "" : $", e.g. {first.Name}: {first.Detail}")}");
        }
        long bytes = timed.Sum(s => s.Length);
        return new StowFigures(timed.Count, bytes, run.Elapsed.TotalSeconds, Ui.Rate(timed.Count, run.Elapsed), Ui.Rate(Ui.Megabytes(bytes), run.Elapsed),
            settings.Parallel, settings.Batch, server is null ? null : PerInstance(serverCpu, timed.Count), PerInstance(clientCpu, timed.Count));
    }

    private static Process ServerProcessOf(int pid)
    {
        try
        {
            var process = Process.GetProcessById(pid);
            _ = process.TotalProcessorTime;
            return process;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            throw new CliException($"--server-pid {pid}: no process of this machine whose CPU time can be read");
        }
    }

    /// <summary>User and system CPU time of the process so far (re-read each time); zero without a process.</summary>
    private static TimeSpan CpuTime(Process? process)
    {
        if (process is null)
        {
            return TimeSpan.Zero;
        }
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static double PerInstance(TimeSpan cpu, int instances) => instances == 0 ? 0 : cpu.TotalMilliseconds / instances;

    /// <summary>OHIF's study list: as it opens, then filtered by name, date range and modality, with values of the stored corpus.</summary>
    private static async Task<List<QidoFigures>> QidoAsync(DicomWebClient client, string study, int repeat, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"/studies?StudyInstanceUID={study}&includefield=00100010,00080020,00080061",
            DicomWebClient.DicomJson, cancellationToken, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        using var found = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        if (found.RootElement.ValueKind != JsonValueKind.Array || found.RootElement.GetArrayLength() == 0)
        {
            throw new CliException($"{client.Root} does not find study {study} after storing it");
        }
        var attributes = found.RootElement[0];
        string name = NamePart(Query.DicomJson.Text(attributes, "00100010"));
        string date = Query.DicomJson.First(attributes, "00080020") is { Length: >= 4 } d ? d[..4] : "2024";
        string modality = Query.DicomJson.First(attributes, "00080061") ?? "CT";

        const string StudyList = "/studies?limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060";
        (string Name, string Query)[] queries =
        [
            ("study list", StudyList),
            ("patient name", $"{StudyList}&PatientName=*{Uri.EscapeDataString(name)}*"),
            ("study date range", $"{StudyList}&StudyDate={date}0101-{date}1231"),
            ("modality", $"{StudyList}&ModalitiesInStudy={Uri.EscapeDataString(modality)}"),
        ];
        var figures = new List<QidoFigures>();
        foreach (var (label, query) in queries)
        {
            var (times, _) = await Measure.TimeAsync(client, _ => query, DicomWebClient.DicomJson, repeat, cancellationToken).ConfigureAwait(false);
            figures.Add(new QidoFigures(label, query, Measure.Percentile(times, 50), Measure.Percentile(times, 95), await CountAsync(client, query, cancellationToken).ConfigureAwait(false)));
        }
        return figures;
    }

    /// <summary>Results of a query, so that a figure for a query that found nothing does not pass unnoticed.</summary>
    private static async Task<int> CountAsync(DicomWebClient client, string query, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(query, DicomWebClient.DicomJson, cancellationToken, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using var results = JsonDocument.Parse(body.Length == 0 ? "[]"u8.ToArray() : body);
        return results.RootElement.ValueKind == JsonValueKind.Array ? results.RootElement.GetArrayLength() : 0;
    }

    /// <summary>Three consecutive letters of the family name, as a user types them into OHIF's name filter.</summary>
    private static string NamePart(string? name)
    {
        string family = (name ?? "").Split('^')[0];
        for (int i = 0; i + 3 <= family.Length; i++)
        {
            if (!family.AsSpan(i, 3).ContainsAnyExcept(Letters))
            {
                return family.Substring(i, 3);
            }
        }
        return family.Length > 0 ? family : "a";
    }

    private static void Step(BenchSettings settings, string what)
    {
        if (!settings.Json)
        {
            Ui.Out.WriteLine(what);
        }
    }

    private static void Print(BenchReport report)
    {
        var table = new Table().AddColumns("Measure", "Figure");
        table.AddRow(Ui.Row($"STOW-RS, {report.Stow.Instances} instances, {report.Stow.Parallel} x {report.Stow.Batch} per request",
            $"{Ui.Number(report.Stow.InstancesPerSecond)} instances/s, {Ui.Number(report.Stow.MegabytesPerSecond)} MB/s"));
        table.AddRow(Ui.Row("STOW-RS CPU per stored instance",
            (report.Stow.ServerCpuMsPerInstance is { } server ? $"server {Ui.Number(server, "F2")} ms, " : "") + $"this client {Ui.Number(report.Stow.ClientCpuMsPerInstance, "F2")} ms"));
        foreach (var q in report.Qido ?? [])
        {
            table.AddRow(Ui.Row($"QIDO-RS {q.Name} ({q.Results} results)", $"p50 {Ui.Number(q.P50Ms, "F2")} ms, p95 {Ui.Number(q.P95Ms, "F2")} ms"));
        }
        if (report.SeriesMetadata is { } metadata && report.Frame is { } frame && report.SeriesRetrieve is { } retrieve)
        {
            table.AddRow(Ui.Row($"Series metadata, {report.Corpus.SeriesInstances} instances", $"p50 {Ui.Number(metadata.P50Ms, "F2")} ms"));
            table.AddRow(Ui.Row("Single frame", $"p50 {Ui.Number(frame.P50Ms, "F2")} ms"));
            table.AddRow(Ui.Row("Series retrieve", $"{Ui.Number(retrieve.MegabytesPerSecond)} MB/s"));
        }
        Ui.Out.Write(table);
    }
}
