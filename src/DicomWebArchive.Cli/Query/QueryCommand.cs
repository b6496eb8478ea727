using System.ComponentModel;
using System.Text.Json;
using DicomWebArchive.Cli.Common;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DicomWebArchive.Cli.Query;

internal sealed class QuerySettings : ServerSettings
{
    [CommandOption("--level <LEVEL>")]
    [Description("study, series or instance")]
    [DefaultValue("study")]
    public string Level { get; set; } = "study";

    [CommandOption("--patient-name <NAME>")]
    [Description("Patient's name; * and ? are wild cards (doe*)")]
    public string? PatientName { get; set; }

    [CommandOption("--patient-id <ID>")]
    public string? PatientId { get; set; }

    [CommandOption("--study-date <DATES>")]
    [Description("A date or a range: 20240131, 20240101-20241231, 20240101-")]
    public string? StudyDate { get; set; }

    [CommandOption("--accession <NUMBER>")]
    public string? Accession { get; set; }

    [CommandOption("--modality <MODALITY>")]
    [Description("CT, MR, ...: ModalitiesInStudy for studies, Modality for series and instances")]
    public string? Modality { get; set; }

    [CommandOption("--description <TEXT>")]
    [Description("Study description (series description with --level series)")]
    public string? Description { get; set; }

    [CommandOption("--study-uid <UID>")]
    public string? StudyUid { get; set; }

    [CommandOption("--series-uid <UID>")]
    public string? SeriesUid { get; set; }

    [CommandOption("--filter <KEY=VALUE>")]
    [Description("Any other matching key by keyword or tag, e.g. --filter ReferringPhysicianName=house*; repeatable")]
    public string[] Filters { get; set; } = [];

    [CommandOption("--include <FIELD>")]
    [Description("Extra attributes to return (includefield), by keyword or tag; repeatable")]
    public string[] Include { get; set; } = [];

    [CommandOption("--fuzzy")]
    [Description("Fuzzy matching of person names (fuzzymatching=true)")]
    public bool Fuzzy { get; set; }

    [CommandOption("--limit <COUNT>")]
    public int? Limit { get; set; }

    [CommandOption("--offset <COUNT>")]
    public int? Offset { get; set; }

    [CommandOption("--json")]
    [Description("Print the server's DICOM JSON as it came")]
    public bool Json { get; set; }

    public override ValidationResult Validate()
    {
        if (Level is not ("study" or "series" or "instance"))
        {
            return ValidationResult.Error("--level must be study, series or instance");
        }
        if (Filters.FirstOrDefault(f => !f.Contains('=', StringComparison.Ordinal)) is { } bad)
        {
            return ValidationResult.Error($"--filter {bad}: expected KEY=VALUE");
        }
        return base.Validate();
    }
}

/// <summary>dicomweb query URL [keys]: one QIDO-RS search, shown as a table or printed as the server's JSON.</summary>
internal sealed class QueryCommand : AsyncCommand<QuerySettings>
{
    private sealed record Column(string Header, params string[] Tags);

    private static readonly Dictionary<string, Column[]> Columns = new()
    {
        ["study"] =
        [
            new("Patient name", "00100010"), new("Patient ID", "00100020"), new("Date", "00080020"), new("Accession", "00080050"),
            new("Modalities", "00080061"), new("Description", "00081030"), new("Series", "00201206"), new("Instances", "00201208"),
            new("Study UID", "0020000D"),
        ],
        ["series"] =
        [
            new("Patient name", "00100010"), new("Patient ID", "00100020"), new("Date", "00080021", "00080020"), new("Modality", "00080060"),
            new("Number", "00200011"), new("Description", "0008103E"), new("Instances", "00201209"), new("Series UID", "0020000E"),
        ],
        ["instance"] =
        [
            new("Patient name", "00100010"), new("Number", "00200013"), new("SOP class", "00080016"), new("SOP Instance UID", "00080018"),
            new("Series UID", "0020000E"), new("Study UID", "0020000D"),
        ],
    };

    public override async Task<int> ExecuteAsync(CommandContext context, QuerySettings settings, CancellationToken cancellationToken)
    {
        using var client = new DicomWebClient(settings, 1);
        await client.CheckAsync(cancellationToken).ConfigureAwait(false);
        using var response = await client.GetAsync(Path(settings), DicomWebClient.DicomJson, cancellationToken, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        foreach (var warning in response.Headers.TryGetValues("Warning", out var values) ? values : [])
        {
            Errors.Line("server: " + warning, warning: true);
        }
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(body.Length == 0 ? "[]"u8.ToArray() : body, cancellationToken).ConfigureAwait(false);
            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            return 0;
        }

        JsonDocument results;
        try
        {
            results = JsonDocument.Parse(body.Length == 0 ? "[]"u8.ToArray() : body);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{client.Root} answered something that is not DICOM JSON: {ex.Message}");
        }
        using (results)
        {
            if (results.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliException($"{client.Root} answered JSON that is not a list of results");
            }
            var columns = Columns[settings.Level];
            var table = new Table().AddColumns([.. columns.Select(c => c.Header)]);
            foreach (var dataset in results.RootElement.EnumerateArray())
            {
                table.AddRow(Ui.Row([.. columns.Select(c => c.Tags.Select(t => DicomJson.Text(dataset, t)).FirstOrDefault(v => v is not null))]));
            }
            int count = results.RootElement.GetArrayLength();
            if (count > 0)
            {
                Ui.Out.Write(table);
            }
            Ui.Out.WriteLine(count == 1 ? "1 match" : count == 0 ? "No matches" : $"{count} matches");
        }
        return 0;
    }

    /// <summary>The QIDO-RS resource and query string; study and series UIDs go in the path where the level allows it.</summary>
    internal static string Path(QuerySettings s)
    {
        var keys = new List<(string Key, string Value)>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                keys.Add((key, value));
            }
        }
        string path = s.Level switch
        {
            "study" => "/studies",
            "series" when s.StudyUid is not null => $"/studies/{Uri.EscapeDataString(s.StudyUid)}/series",
            "series" => "/series",
            _ when s.StudyUid is not null && s.SeriesUid is not null => $"/studies/{Uri.EscapeDataString(s.StudyUid)}/series/{Uri.EscapeDataString(s.SeriesUid)}/instances",
            _ when s.StudyUid is not null => $"/studies/{Uri.EscapeDataString(s.StudyUid)}/instances",
            _ => "/instances",
        };
        // UIDs that the resource path does not carry become matching keys.
        if (s.Level == "study" || s.StudyUid is null)
        {
            Add("StudyInstanceUID", s.StudyUid);
        }
        if (s.Level != "instance" || s.StudyUid is null)
        {
            Add("SeriesInstanceUID", s.SeriesUid);
        }
        Add("PatientName", s.PatientName);
        Add("PatientID", s.PatientId);
        Add("StudyDate", s.StudyDate);
        Add("AccessionNumber", s.Accession);
        Add(s.Level == "study" ? "ModalitiesInStudy" : "Modality", s.Modality);
        Add(s.Level == "series" ? "SeriesDescription" : "StudyDescription", s.Description);
        foreach (var filter in s.Filters)
        {
            int equals = filter.IndexOf('=', StringComparison.Ordinal);
            keys.Add((filter[..equals], filter[(equals + 1)..]));
        }
        if (s.Fuzzy)
        {
            keys.Add(("fuzzymatching", "true"));
        }
        Add("limit", s.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("offset", s.Offset?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The table's columns, which some servers (Orthanc among them) return only when asked.
        var include = Columns[s.Level].SelectMany(c => c.Tags).Concat(s.Include).Distinct(StringComparer.OrdinalIgnoreCase);
        keys.Add(("includefield", string.Join(',', include)));
        return path + "?" + string.Join('&', keys.Select(k => Escape(k.Key) + "=" + Escape(k.Value)));
    }

    /// <summary>Percent-encoding that leaves wild cards and commas readable, as servers and logs expect them.</summary>
    private static string Escape(string value) =>
        Uri.EscapeDataString(value).Replace("%2A", "*", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal);
}
