namespace DicomWebArchive.Dicom.Tests.Reader;

/// <summary>The DICOM files shipped by Debian's python3-pydicom, and what the reader must make of them.</summary>
internal static class Corpus
{
    public const string Root = PydicomCorpus.Root;

    /// <summary>Files in the corpus folders that are not DICOM: documentation, dumps, JSON, archives.</summary>
    private static readonly string[] NonDicomSuffixes = [".txt", ".md", ".json", ".dump", ".gz", ".bz2", ".zip", ".py"];

    /// <summary>Files that are deliberately broken; the reader must reject each with a DicomFormatException (read in Scan mode).</summary>
    public static readonly IReadOnlyDictionary<string, string> ExpectedFailures = new Dictionary<string, string>
    {
        ["test_files/MR_truncated.dcm"] = "Pixel Data declares 8192 bytes, 8130 remain (dcmdump: premature end of stream)",
        ["test_files/rtplan_truncated.dcm"] = "IsocenterPosition declares 50 bytes, 29 remain (dcmdump: premature end of stream)",
        ["test_files/dicomdirtests/DICOMDIR-nooffset"] = "The last directory record item declares 248 bytes, but its sequence and the file end 24 bytes earlier (dcmdump and pydicom stop silently at the end of file)",
        ["test_files/no_meta.dcm"] = "CT_small.dcm cut one byte too early: a stray 0x20 before (0008,0005) leaves no valid first element (dcmdump: element larger than file)",
    };

    public static IEnumerable<string> Files()
    {
        var testFiles = Path.Combine(Root, "test_files");
        var charsetFiles = Path.Combine(Root, "charset_files");
        if (!Directory.Exists(testFiles) || !Directory.Exists(charsetFiles))
        {
            throw new InvalidOperationException($"The pydicom corpus is missing under {Root}: install python3-pydicom (test/run.sh does).");
        }
        return Directory.EnumerateFiles(testFiles, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(charsetFiles, "*", SearchOption.AllDirectories))
            .Where(path => !NonDicomSuffixes.Any(suffix => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) && !Path.GetFileName(path).StartsWith("README", StringComparison.OrdinalIgnoreCase))
            .Select(path => Path.GetRelativePath(Root, path))
            .Order(StringComparer.Ordinal);
    }

    public static IEnumerable<string> ValidFiles() => Files().Where(name => !ExpectedFailures.ContainsKey(name));

    public static string PathOf(string name) => Path.Combine(Root, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));
}
