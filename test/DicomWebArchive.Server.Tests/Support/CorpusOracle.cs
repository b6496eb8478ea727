using System.Diagnostics;
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
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Corpus", "expected_outcomes.py"));
        foreach (var root in TestPaths.CorpusRoots())
        {
            start.ArgumentList.Add(root);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<CorpusEntry>();
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(JsonSerializer.Deserialize<CorpusEntry>(line, options)!);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || lines.Count < 150)
        {
            Assert.Fail($"The corpus oracle failed (exit {process.ExitCode}, {lines.Count} files): {stderr.Result}");
        }
        return lines;
    }
}
