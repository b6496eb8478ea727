namespace DicomWebArchive.Testing;

/// <summary>Where the repository and its build outputs are, seen from a test assembly.</summary>
public static class RepositoryPaths
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
    public static string ServerDirectory => Path.GetDirectoryName(BuildOutput("DicomWebArchive.Server", "DicomWebArchive.Server.dll"))!;

    /// <summary>An assembly of a src project built in the configuration of this test assembly; missing fails the test.</summary>
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
}
