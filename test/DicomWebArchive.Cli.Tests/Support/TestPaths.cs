namespace DicomWebArchive.Cli.Tests.Support;

internal static class TestPaths
{
    private const string PydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    /// <summary>A file of pydicom's corpus; a missing corpus fails the test (test/run.sh installs python3-pydicom).</summary>
    public static string CorpusFile(string name)
    {
        string path = Path.Combine(PydicomFiles, name);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install Debian's python3-pydicom (test/run.sh does).");
        }
        return path;
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DicomWebArchive.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("DicomWebArchive.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The build output of a src project in the configuration of this test assembly.</summary>
    public static string BuildOutput(string project, string assembly)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string path = Path.Combine(RepositoryRoot, "src", project, "bin", configuration, "net10.0", assembly);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing; build the solution first.");
        }
        return path;
    }

    public static string NewTemporaryDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "dicomweb-cli-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
