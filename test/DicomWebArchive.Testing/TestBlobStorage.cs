using Azure.Storage.Blobs;

namespace DicomWebArchive.Testing;

/// <summary>
/// The blob stores the integration suites run on, as NUnit fixture arguments: the filesystem always; Azure where
/// DWA_TEST_AZURITE holds a connection string to Azurite (test/run.sh starts one) or a real account. Without one, or
/// when it does not answer, the Azure fixtures are ignored with the reason: reported as skipped, never as passed.
/// </summary>
public static class BlobProviders
{
    public const string FileSystem = "FileSystem";
    public const string Azure = "Azure";
    public const string Variable = "DWA_TEST_AZURITE";

    public static IEnumerable<TestFixtureData> All => [new(FileSystem), new(Azure)];

    /// <summary>Every blob store with every index database: (index provider, blob provider).</summary>
    public static IEnumerable<TestFixtureData> WithEveryIndex =>
        from index in new[] { IndexProviders.Sqlite, IndexProviders.PostgreSql, IndexProviders.SqlServer }
        from blobs in new[] { FileSystem, Azure }
        select new TestFixtureData(index, blobs);

    /// <summary>Every blob store with the databases that run here (SQLite and PostgreSQL).</summary>
    public static IEnumerable<TestFixtureData> WithLocalIndexes =>
        from index in new[] { IndexProviders.Sqlite, IndexProviders.PostgreSql }
        from blobs in new[] { FileSystem, Azure }
        select new TestFixtureData(index, blobs);
}

/// <summary>
/// A fresh, empty blob store for one fixture or test: folders for every tier under a temporary directory (cold and
/// archive with roots of their own), or a new container in the Azure account; removed on dispose.
/// </summary>
public sealed class TestBlobStorage : IAsyncDisposable
{
    private readonly TempDirectory? _temp;
    private readonly BlobContainerClient? _container;

    private TestBlobStorage(string provider, (string Key, string Value)[] settings, TempDirectory? temp, BlobContainerClient? container)
    {
        Provider = provider;
        Settings = settings;
        _temp = temp;
        _container = container;
    }

    /// <summary>FileSystem or Azure: the value of Storage:Blobs:Provider.</summary>
    public string Provider { get; }

    /// <summary>The server settings that point an archive at this store.</summary>
    public (string Key, string Value)[] Settings { get; }

    public string[] Arguments => [.. Settings.Select(s => $"--{s.Key}={s.Value}")];

    /// <summary>The container of an Azure store; null on the filesystem.</summary>
    public BlobContainerClient? Container => _container;

    /// <summary>The root folder of a tier on the filesystem (hot, cool, cold or archive); null on Azure.</summary>
    public string? Root(string tier) => _temp?.Combine("blobs", tier.ToLowerInvariant());

    public override string ToString() => Provider;

    /// <summary>Creates the store; ignores the calling test when Azure is asked for and no account answers.</summary>
    public static async Task<TestBlobStorage> CreateAsync(string provider)
    {
        if (provider == BlobProviders.FileSystem)
        {
            var temp = new TempDirectory("dwa-blobs-");
            return new TestBlobStorage(provider,
            [
                ("Storage:Blobs:Provider", "FileSystem"),
                ("Storage:Blobs:HotRoot", temp.Combine("blobs", "hot")),
                ("Storage:Blobs:CoolRoot", temp.Combine("blobs", "cool")),
                ("Storage:Blobs:ColdRoot", temp.Combine("blobs", "cold")),
                ("Storage:Blobs:ArchiveRoot", temp.Combine("blobs", "archive")),
            ], temp, null);
        }
        if (provider != BlobProviders.Azure)
        {
            throw new ArgumentException($"Unknown blob provider '{provider}'.", nameof(provider));
        }
        var connectionString = Environment.GetEnvironmentVariable(BlobProviders.Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Ignore($"Azure: {BlobProviders.Variable} names no account to test against (test/run.sh starts Azurite).");
        }
        string name = "dwa-test-" + Guid.NewGuid().ToString("N")[..16];
        var container = new BlobContainerClient(connectionString, name);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await container.CreateAsync(cancellationToken: timeout.Token);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            Assert.Ignore($"Azure: the account {BlobProviders.Variable} names does not answer: {e.Message}");
        }
        return new TestBlobStorage(provider,
        [
            ("Storage:Blobs:Provider", "Azure"),
            ("Storage:Blobs:Azure:ConnectionString", connectionString!),
            ("Storage:Blobs:Azure:Container", name),
            // Small blocks, so that ordinary test instances are uploaded as several staged blocks.
            ("Storage:Blobs:Azure:BlockSize", "65536"),
            ("Storage:Blobs:Azure:MaxRetries", "2"),
        ], null, container);
    }

    public async ValueTask DisposeAsync()
    {
        _temp?.Dispose();
        if (_container is not null)
        {
            try
            {
                await _container.DeleteIfExistsAsync();
            }
            catch (Exception e) when (e is Azure.RequestFailedException or AggregateException)
            {
            }
        }
    }
}
