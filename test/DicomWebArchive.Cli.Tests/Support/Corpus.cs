using System.Text.RegularExpressions;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Cli.Tests.Support;

/// <summary>DICOM files for the tests: pydicom's, and a synthetic CT series from the benchmark generator.</summary>
internal static partial class Corpus
{
    /// <summary>COUNT 512x512 CT instances of one study and series (test/bench/make_ct_corpus.py, deterministic).</summary>
    public static string MakeCtSeries(string directory, int count)
    {
        ExternalTool.PythonFile(Path.Combine(RepositoryPaths.RepositoryRoot, "test", "bench", "make_ct_corpus.py"), directory, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return directory;
    }

    public static async Task<(string Study, string Series, string Sop)> UidsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        var file = await DicomReader.ReadAsync(stream);
        return (file.Dataset.GetAsciiString(DicomTags.StudyInstanceUID)!, file.Dataset.GetAsciiString(DicomTags.SeriesInstanceUID)!,
            file.Dataset.GetAsciiString(DicomTags.SOPInstanceUID)!);
    }

    /// <summary>The stored copy has its 128-byte preamble zeroed (it can hide an executable); the rest must be identical.</summary>
    public static bool SameAfterPreamble(string expected, string actual) =>
        File.ReadAllBytes(expected).AsSpan(128).SequenceEqual(File.ReadAllBytes(actual).AsSpan(128));

    /// <summary>The count in a summary table row, e.g. "│ stored │ 2 │".</summary>
    public static int Count(string output, string label)
    {
        var match = Regex.Match(output, $@"│\s*{Regex.Escape(label)}\s*│\s*(\d+)\s*│");
        Assert.That(match.Success, Is.True, $"no '{label}' row in:\n{output}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A 1x1 PNG: a real image file that is not DICOM.</summary>
    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
