namespace DicomWebArchive.Testing;

/// <summary>The real DICOM files shipped by Debian's python3-pydicom; a missing corpus fails the test (test/run.sh installs it).</summary>
public static class PydicomCorpus
{
    public const string Root = "/usr/lib/python3/dist-packages/pydicom/data";

    /// <summary>A file of test_files, e.g. "CT_small.dcm".</summary>
    public static string File(string name) => Existing(Path.Combine(Root, "test_files", name));

    /// <summary>A file by its path under the corpus root, e.g. "charset_files/chrH31.dcm".</summary>
    public static string PathOf(string relativePath) => Existing(Path.Combine(Root, relativePath));

    /// <summary>A folder of the corpus, e.g. "test_files" or "charset_files".</summary>
    public static string Directory(string name)
    {
        var directory = Path.Combine(Root, name);
        if (!System.IO.Directory.Exists(directory))
        {
            Assert.Fail($"The pydicom corpus is missing at {directory}: install Debian's python3-pydicom (test/run.sh does).");
        }
        return directory;
    }

    /// <summary>The two folders of DICOM files: test_files and charset_files.</summary>
    public static string[] Roots() => [Directory("test_files"), Directory("charset_files")];

    private static string Existing(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            Assert.Fail($"Corpus file {path} is missing: install Debian's python3-pydicom (test/run.sh does).");
        }
        return path;
    }
}
