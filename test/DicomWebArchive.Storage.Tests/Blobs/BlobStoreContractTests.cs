using System.Security.Cryptography;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DicomWebArchive.Storage.Tests.Blobs;

/// <summary>What every blob store promises, checked on the filesystem and on Azure Blob Storage (Azurite) by the same code.</summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.All))]
public sealed class BlobStoreContractTests(string provider)
{
    private TestBlobStorage? _storage;
    private TempDirectory? _temp;
    private ServiceProvider? _services;
    private IBlobStore _store = null!;

    [OneTimeSetUp]
    public async Task CreateStore()
    {
        _storage = await TestBlobStorage.CreateAsync(provider);
        _temp = new TempDirectory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(_storage.Settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .AddInMemoryCollection([KeyValuePair.Create("Storage:DataDirectory", (string?)_temp.Path)])
            .Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddArchiveStorage().BuildServiceProvider();
        _store = _services.GetRequiredService<IBlobStore>();
        foreach (var hosted in _services.GetServices<IHostedService>().Where(h => h.GetType().Name.Contains("Azure", StringComparison.Ordinal)))
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    [OneTimeTearDown]
    public async Task RemoveStore()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
        _temp?.Dispose();
    }

    private async Task<string> WriteAsync(byte[] bytes)
    {
        await using var writer = await _store.CreateAsync(CancellationToken.None);
        // Odd-sized writes, as a request body arrives: blocks fill across writes.
        for (int at = 0; at < bytes.Length; at += 40_000)
        {
            await writer.Stream.WriteAsync(bytes.AsMemory(at, Math.Min(40_000, bytes.Length - at)));
        }
        await writer.CommitAsync(CancellationToken.None);
        return writer.Key;
    }

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await _store.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Test]
    public async Task CommitAsync_SeveralBlocks_ReadableAndEqual()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_001);

        var key = await WriteAsync(bytes);

        Assert.That(await ReadAsync(key), Is.EqualTo(bytes));
        Assert.That(await _store.GetTierAsync(key, CancellationToken.None), Is.EqualTo(BlobTier.Hot), "new data lands hot");
    }

    [Test]
    public async Task DisposeAsync_NotCommitted_NothingVisible()
    {
        string key;
        await using (var writer = await _store.CreateAsync(CancellationToken.None))
        {
            key = writer.Key;
            await writer.Stream.WriteAsync(RandomNumberGenerator.GetBytes(200_000));
        }

        Assert.That(await _store.OpenReadAsync(key, CancellationToken.None), Is.Null);
        Assert.That(await _store.GetTierAsync(key, CancellationToken.None), Is.Null);
        var listed = new List<string>();
        await foreach (var name in _store.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
        {
            listed.Add(name);
        }
        Assert.That(listed, Does.Not.Contain(key));
    }

    [TestCase(0, 10)]
    [TestCase(65_530, 20)]
    [TestCase(199_990, 100)]
    [TestCase(200_000, 10)]
    [TestCase(5, 0)]
    public async Task OpenReadAsync_Range_JustThoseBytes(int offset, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var key = await WriteAsync(bytes);

        await using var stream = await _store.OpenReadAsync(key, new ByteRange(offset, length), CancellationToken.None);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(bytes.AsSpan(offset, Math.Min(length, bytes.Length - offset)).ToArray()));
    }

    [Test]
    public async Task OpenReadAsync_Missing_Null()
    {
        Assert.That(await _store.OpenReadAsync(new string('c', 32), CancellationToken.None), Is.Null);
        Assert.That(await _store.OpenReadAsync(new string('c', 32), new ByteRange(0, 10), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task PlaceAsync_EveryTierAndBack_ReadableWhileOnlineAndEqual()
    {
        var bytes = RandomNumberGenerator.GetBytes(150_000);
        var key = await WriteAsync(bytes);

        foreach (var tier in new[] { BlobTier.Cool, BlobTier.Cold })
        {
            Assert.That(await _store.PlaceAsync(key, tier, CancellationToken.None), Is.True, $"{tier} is reached at once");
            Assert.That(await ReadAsync(key), Is.EqualTo(bytes), $"readable between placing in {tier} and releasing");
            await _store.ReleaseAsync(key, tier, CancellationToken.None);
            Assert.That(await _store.GetTierAsync(key, CancellationToken.None), Is.EqualTo(tier));
            Assert.That(await ReadAsync(key), Is.EqualTo(bytes), $"readable in {tier}");
        }

        Assert.That(await _store.PlaceAsync(key, BlobTier.Archive, CancellationToken.None), Is.True);
        await _store.ReleaseAsync(key, BlobTier.Archive, CancellationToken.None);
        Assert.That(await _store.GetTierAsync(key, CancellationToken.None), Is.EqualTo(BlobTier.Archive));
        Assert.ThrowsAsync<BlobOfflineException>(() => _store.OpenReadAsync(key, CancellationToken.None));
        Assert.ThrowsAsync<BlobOfflineException>(() => _store.OpenReadAsync(key, new ByteRange(0, 10), CancellationToken.None));

        // Azurite and the filesystem bring an archived blob back at once; real Azure answers false until rehydrated.
        Assert.That(await _store.PlaceAsync(key, BlobTier.Hot, CancellationToken.None), Is.True);
        await _store.ReleaseAsync(key, BlobTier.Hot, CancellationToken.None);
        Assert.That(await _store.GetTierAsync(key, CancellationToken.None), Is.EqualTo(BlobTier.Hot));
        Assert.That(await ReadAsync(key), Is.EqualTo(bytes));
    }

    [Test]
    public async Task PlaceAsync_Missing_FileNotFound() =>
        Assert.ThrowsAsync<FileNotFoundException>(() => _store.PlaceAsync(new string('d', 32), BlobTier.Cool, CancellationToken.None));

    [Test]
    public async Task DeleteAsync_Committed_Gone()
    {
        var key = await WriteAsync([1, 2, 3]);

        await _store.DeleteAsync(key, CancellationToken.None);
        await _store.DeleteAsync(key, CancellationToken.None);

        Assert.That(await _store.OpenReadAsync(key, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ListAsync_OlderThan_OnlyBlobsWrittenBefore()
    {
        var key = await WriteAsync([1, 2, 3]);
        var listed = new List<string>();

        await foreach (var name in _store.ListAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
        {
            listed.Add(name);
        }
        var none = new List<string>();
        await foreach (var name in _store.ListAsync(DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None))
        {
            none.Add(name);
        }

        Assert.That(listed, Does.Contain(key));
        Assert.That(none, Does.Not.Contain(key));
    }

    [Test]
    public async Task GetHealthAsync_Reachable_Healthy()
    {
        var health = await _store.GetHealthAsync(CancellationToken.None);

        Assert.That(health.IsHealthy, Is.True, health.Description);
    }
}
