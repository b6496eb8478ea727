namespace DicomWebArchive.Server.Tests.Support;

internal static class TestPaths
{
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

    /// <summary>The built server of the same configuration as this test assembly, for tests that need a separate process.</summary>
    public static string ServerDirectory
    {
        get
        {
            string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            string directory = Path.Combine(RepositoryRoot, "src", "DicomWebArchive.Server", "bin", configuration, "net10.0");
            if (!File.Exists(Path.Combine(directory, "DicomWebArchive.Server.dll")))
            {
                Assert.Fail($"The built server is missing in {directory}; build the solution first.");
            }
            return directory;
        }
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
