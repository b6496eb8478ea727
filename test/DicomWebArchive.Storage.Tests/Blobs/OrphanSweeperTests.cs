using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Storage.Blobs;
using DicomWebArchive.Storage.Index;
using DicomWebArchive.Storage.Tests.Index;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Storage.Tests.Blobs;

/// <summary>The Core sweeper against the real filesystem store and SQLite index.</summary>
public sealed class OrphanSweeperTests
{
    private TempDirectory _temp = null!;
    private FileSystemBlobStore _blobs = null!;
    private SqlIndexStore _index = null!;

    [SetUp]
    public async Task SetUp()
    {
        _temp = new TempDirectory();
        _blobs = new FileSystemBlobStore(_temp.Combine("hot"), _temp.Combine("cool"));
        _index = SqlIndexStore.ForSqlite($"Data Source={_temp.Combine("index.db")}");
        await _index.InitializeAsync(CancellationToken.None);
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    [Test]
    public async Task SweepAsync_Mixed_DeletesOnlyOldUnreferencedBlobs()
    {
        var referencedOld = await WriteAsync();
        var orphanOld = await WriteAsync();
        var orphanYoung = await WriteAsync();
        await _index.AddInstanceAsync(IndexRecords.Instance(1, 1, 1) with { BlobKey = referencedOld }, false, ArchiveCaller.System, CancellationToken.None);
        Age(referencedOld, TimeSpan.FromHours(3));
        Age(orphanOld, TimeSpan.FromHours(3));
        var sweeper = new OrphanSweeper(_blobs, _index, TimeSpan.FromHours(1));

        var deleted = await sweeper.SweepAsync(CancellationToken.None);

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(await ExistsAsync(orphanOld), Is.False);
        Assert.That(await ExistsAsync(referencedOld), Is.True);
        Assert.That(await ExistsAsync(orphanYoung), Is.True);
        Assert.That(await sweeper.SweepAsync(CancellationToken.None), Is.Zero);
    }

    [Test]
    public void Constructor_NonPositiveGracePeriod_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new OrphanSweeper(_blobs, _index, TimeSpan.Zero));

    private async Task<string> WriteAsync()
    {
        await using var writer = await _blobs.CreateAsync(CancellationToken.None);
        await writer.Stream.WriteAsync(new byte[] { 1, 2, 3 });
        await writer.CommitAsync(CancellationToken.None);
        return writer.Key;
    }

    private async Task<bool> ExistsAsync(string key)
    {
        await using var stream = await _blobs.OpenReadAsync(key, CancellationToken.None);
        return stream is not null;
    }

    private void Age(string key, TimeSpan age) =>
        File.SetLastWriteTimeUtc(Path.Combine(_blobs.HotRoot, key[..2], key[2..4], key), DateTime.UtcNow - age);
}
