using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>The real server pipeline in memory over a fresh temporary data directory, removed on dispose.</summary>
internal sealed class ArchiveFactory : WebApplicationFactory<Program>
{
    private readonly (string Key, string Value)[] _settings;

    public ArchiveFactory(params (string Key, string Value)[] settings)
    {
        _settings = settings;
        DataDirectory = Directory.CreateTempSubdirectory("dwa-stow-").FullName;
        Archive = new ArchiveInspector(DataDirectory);
    }

    /// <summary>The archive with its index in <paramref name="index"/> rather than the data directory's SQLite file.</summary>
    public ArchiveFactory(TestIndexDatabase index, params (string Key, string Value)[] settings)
        : this([.. index.Settings, .. settings])
    {
        Archive = new ArchiveInspector(DataDirectory, index);
    }

    public string DataDirectory { get; }

    public ArchiveInspector Archive { get; }

    /// <summary>The clock of the archive's services, when a test moves it (purge delays); the system clock otherwise.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Warnings and errors the server logged.</summary>
    public CapturedLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // As deployed: no developer exception pages, nothing but what production answers.
        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Storage:Sweeper:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (Time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(Time));
        }

    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TempDirectory.Delete(DataDirectory);
        }
    }
}
