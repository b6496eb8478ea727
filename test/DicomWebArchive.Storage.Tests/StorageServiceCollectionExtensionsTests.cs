using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Blobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Storage.Tests;

public sealed class StorageServiceCollectionExtensionsTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Test]
    public async Task AddArchiveStorage_DataDirectory_StartsWithMigratedIndexAndBlobRoots()
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Combine("data") });

        await host.StartAsync();

        var services = host.Services;
        Assert.That(services.GetRequiredService<IIndexReader>(), Is.SameAs(services.GetRequiredService<IIndexStore>()));
        Assert.That(await services.GetRequiredService<IIndexStore>().IsHealthyAsync(CancellationToken.None), Is.True);
        Assert.That(File.Exists(_temp.Combine("data", "index.db")), Is.True);
        var blobs = (FileSystemBlobStore)services.GetRequiredService<IBlobStore>();
        Assert.That(blobs.HotRoot, Is.EqualTo(_temp.Combine("data", "blobs", "hot")));
        Assert.That(blobs.CoolRoot, Is.EqualTo(_temp.Combine("data", "blobs", "cool")));
        Assert.That(services.GetRequiredService<OrphanSweeper>().GracePeriod, Is.EqualTo(TimeSpan.FromHours(1)));
        await host.StopAsync();
    }

    [Test]
    public async Task AddArchiveStorage_ExplicitSettings_Used()
    {
        using var host = Build(new()
        {
            ["Storage:DataDirectory"] = _temp.Combine("unused"),
            ["Storage:Index:ConnectionString"] = $"Data Source={_temp.Combine("db", "custom.db")}",
            ["Storage:Blobs:HotRoot"] = _temp.Combine("fast"),
            ["Storage:Blobs:CoolRoot"] = _temp.Combine("big"),
            ["Storage:Sweeper:GracePeriod"] = "02:30:00",
        });

        await host.StartAsync();

        Assert.That(File.Exists(_temp.Combine("db", "custom.db")), Is.True);
        var blobs = (FileSystemBlobStore)host.Services.GetRequiredService<IBlobStore>();
        Assert.That((blobs.HotRoot, blobs.CoolRoot), Is.EqualTo((_temp.Combine("fast"), _temp.Combine("big"))));
        Assert.That(host.Services.GetRequiredService<OrphanSweeper>().GracePeriod, Is.EqualTo(TimeSpan.FromMinutes(150)));
        await host.StopAsync();
    }

    [Test]
    public void AddArchiveStorage_UnsupportedProvider_StartFailsNamingIt()
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Path, ["Storage:Index:Provider"] = "Oracle" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Storage:Index:Provider 'Oracle' is not supported; supported providers: Sqlite, PostgreSql, SqlServer"));
    }

    [TestCase("PostgreSql")]
    [TestCase("SqlServer")]
    public void AddArchiveStorage_SharedProviderWithoutConnectionString_StartFailsNamingTheSetting(string provider)
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Path, ["Storage:Index:Provider"] = provider });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain($"Storage:Index:ConnectionString must name the database when Storage:Index:Provider is {provider}"));
    }

    [TestCase("postgresql", "Host=db;Colour=blue;Password=hunter2")]
    [TestCase("SqlServer", "Server=db;Colour=blue;Password=hunter2")]
    public void AddArchiveStorage_MalformedSharedConnectionString_StartFailsWithoutThePassword(string provider, string connectionString)
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Path, ["Storage:Index:Provider"] = provider, ["Storage:Index:ConnectionString"] = connectionString });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Storage:Index:ConnectionString is not a valid"));
        Assert.That(error.Message, Does.Not.Contain("hunter2"));
    }

    [Test]
    public async Task AddArchiveStorage_UnreachablePostgreSql_StartsUnhealthyAndLogsTheSettingNotThePassword()
    {
        var log = new ListLogger();
        using var host = Build(new()
        {
            ["Storage:DataDirectory"] = _temp.Path,
            ["Storage:Index:Provider"] = "PostgreSql",
            ["Storage:Index:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=dicom;Username=archive;Password=hunter2;Timeout=2",
        }, log);

        await host.StartAsync();

        var index = host.Services.GetRequiredService<IIndexStore>();
        var health = await index.GetHealthAsync(CancellationToken.None);
        Assert.That(health.IsHealthy, Is.False);
        Assert.That(health.Description, Does.Contain("127.0.0.1:1/dicom").And.Contain("Storage:Index:ConnectionString").And.Not.Contain("hunter2"));
        Assert.That(log.ToString(), Does.Contain("Storage:Index:ConnectionString").And.Not.Contain("hunter2"));
        await host.StopAsync();
    }

    [Test]
    public void AddArchiveStorage_NegativeGracePeriod_StartFails()
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Path, ["Storage:Sweeper:GracePeriod"] = "-00:01:00" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Storage:Sweeper:GracePeriod must be positive"));
    }

    [Test]
    public void AddArchiveStorage_MalformedConnectionString_StartFailsNamingKey()
    {
        using var host = Build(new() { ["Storage:DataDirectory"] = _temp.Path, ["Storage:Index:ConnectionString"] = "Colour=blue" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("Storage:Index:ConnectionString is not a valid SQLite connection string"));
    }

    [Test]
    public void AddArchiveStorage_SameHotAndCoolRoot_StartFails()
    {
        using var host = Build(new() { ["Storage:Blobs:HotRoot"] = _temp.Path, ["Storage:Blobs:CoolRoot"] = _temp.Path + "/" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("must differ"));
    }

    [Test]
    public void StorageOptions_Defaults_DataUnderCurrentDirectory()
    {
        var options = new StorageOptions();

        Assert.That(options.FullDataDirectory, Is.EqualTo(Path.Combine(Environment.CurrentDirectory, "data")));
        Assert.That(options.IndexConnectionString, Is.EqualTo($"Data Source={Path.Combine(Environment.CurrentDirectory, "data", "index.db")}"));
        Assert.That(options.HotRoot, Is.EqualTo(Path.Combine(Environment.CurrentDirectory, "data", "blobs", "hot")));
        Assert.That(options.Index.Provider, Is.EqualTo("Sqlite"));
    }

    private static IHost Build(Dictionary<string, string?> settings, ILoggerProvider? log = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }
        builder.Services.AddArchiveStorage();
        return builder.Build();
    }

    /// <summary>Everything logged, exceptions included, to look for what must never be there.</summary>
    private sealed class ListLogger : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public override string ToString() => string.Join('\n', _lines);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");

        public void Dispose()
        {
        }
    }
}
