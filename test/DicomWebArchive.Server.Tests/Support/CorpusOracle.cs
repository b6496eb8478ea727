using System.Text.Json;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>What an archive must do with each pydicom corpus file, decided independently by pydicom.</summary>
/// <param name="Warning">Warning Reason of a stored file: 0xB000 when its meta group is rebuilt, 0xB007 for leading-zero UIDs.</param>
/// <param name="StoredSha256">SHA-256 (hex) of the file as the archive must store it.</param>
/// <param name="PixelOffset">Offset of the Pixel Data value in the stored file.</param>
internal sealed record CorpusEntry(string Path, string? Sop, string? Study, string? Series, string? SopClass, bool Stored, string Reason,
    long? PixelOffset = null, int? Frames = null, string? TransferSyntax = null,
    string? PatientName = null, string? PatientId = null, string? StudyDescription = null, string? Modality = null, string? StudyDate = null,
    int? Warning = null, string? StoredSha256 = null, long? StoredSize = null)
{
    /// <summary>True when the stored file is not the upload with its preamble zeroed but carries a rebuilt meta group.</summary>
    public bool IsCoerced => Warning == 0xB000;

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
