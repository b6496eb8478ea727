using System.Text.Json;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>What an archive must do with each pydicom corpus file, decided independently by pydicom.</summary>
internal sealed record CorpusEntry(string Path, string? Sop, string? Study, string? Series, string? SopClass, bool Stored, string Reason,
    long? PixelOffset = null, int? Frames = null, string? TransferSyntax = null,
    string? PatientName = null, string? PatientId = null, string? StudyDescription = null, string? Modality = null, string? StudyDate = null)
{
    public override string ToString() => System.IO.Path.GetFileName(Path);
}

internal static class CorpusOracle
{
    private static readonly Lazy<IReadOnlyList<CorpusEntry>> Entries = new(Load);

    public static IReadOnlyList<CorpusEntry> All => Entries.Value;

    private static IReadOnlyList<CorpusEntry> Load()
    {
        var output = ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Corpus", "expected_outcomes.py"), PydicomCorpus.Roots());
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var entries = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<CorpusEntry>(line, options)!).ToList();
        Assert.That(entries, Has.Count.AtLeast(150), "the corpus oracle saw too few files");
        return entries;
    }
}
