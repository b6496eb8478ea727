using System.Security.Cryptography;
using DicomWebArchive.Storage.Blobs;

namespace DicomWebArchive.Storage.Tests.Blobs;

public sealed class FileSystemBlobStoreTests
{
    private TempDirectory _temp = null!;
    private FileSystemBlobStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _store = new FileSystemBlobStore(_temp.Combine("hot"), _temp.Combine("cool"));
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase(0, 10)]
    [TestCase(1000, 70_000)]
    [TestCase(299_990, 10)]
    [TestCase(299_990, 100)]
    [TestCase(300_000, 10)]
    public async Task OpenReadAsync_Range_JustThoseBytes(int offset, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var key = await WriteAsync(bytes);

        await using var stream = await _store.OpenReadAsync(key, new DicomWebArchive.Dicom.ByteRange(offset, length), CancellationToken.None);
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);

        Assert.That(copy.ToArray(), Is.EqualTo(bytes.AsSpan(offset, Math.Min(length, bytes.Length - offset)).ToArray()), "the range, ending early with the blob");
    }

    [Test]
    public async Task OpenReadAsync_RangeOfMissingBlob_Null() =>
        Assert.That(await _store.OpenReadAsync(new string('a', 32), new DicomWebArchive.Dicom.ByteRange(0, 10), CancellationToken.None), Is.Null);

    [Test]
    public async Task GetTierAsync_HotOrCoolFolder_ThatTier()
    {
        var hot = await WriteAsync([1, 2, 3]);
        var cool = await WriteAsync([4, 5, 6]);
        var coolPath = Path.Combine(_store.CoolRoot, cool[..2], cool[2..4], cool);
        Directory.CreateDirectory(Path.GetDirectoryName(coolPath)!);
        File.Move(Path.Combine(_store.HotRoot, cool[..2], cool[2..4], cool), coolPath);

        Assert.That(await _store.GetTierAsync(hot, CancellationToken.None), Is.EqualTo(DicomWebArchive.Core.Blobs.BlobTier.Hot));
        Assert.That(await _store.GetTierAsync(cool, CancellationToken.None), Is.EqualTo(DicomWebArchive.Core.Blobs.BlobTier.Cool));
        Assert.That(await _store.GetTierAsync(new string('b', 32), CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task CommitAsync_Written_ReadableAndEqual()
    {
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var key = await WriteAsync(bytes);

        await using var stream = await _store.OpenReadAsync(key, CancellationToken.None);
        Assert.That(stream, Is.Not.Null);
        Assert.That(stream!.CanSeek, Is.True);
        Assert.That(stream.Length, Is.EqualTo(bytes.Length));
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.That(copy.ToArray(), Is.EqualTo(bytes));
        stream.Position = 1000;
        var slice = new byte[16];
        await stream.ReadExactlyAsync(slice);
        Assert.That(slice, Is.EqualTo(bytes[1000..1016]));
    }

    [Test]
    public async Task CommitAsync_Written_FileShardedByKeyUnderHotRoot()
    {
        var key = await WriteAsync([1, 2, 3]);

        Assert.That(File.Exists(Path.Combine(_store.HotRoot, key[..2], key[2..4], key)), Is.True);
        Assert.That(Directory.EnumerateFiles(_temp.Path, "*", SearchOption.AllDirectories).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task CommitAsync_Written_LeavesNoPagesInThePageCache()
    {
        var bytes = RandomNumberGenerator.GetBytes(1 << 20);
        await AssumeWrittenPagesStayCachedAsync(bytes);

        var key = await WriteAsync(bytes);

        Assert.That(PageCacheResidency.ResidentPages(Path.Combine(_store.HotRoot, key[..2], key[2..4], key)), Is.Zero, "pages of a durable blob are dropped");
    }

    [Test]
    public async Task PlaceAsync_CopyToAnotherTier_LeavesNoPagesOfTheCopyInThePageCache()
    {
        var bytes = RandomNumberGenerator.GetBytes(1 << 20);
        await AssumeWrittenPagesStayCachedAsync(bytes);
        var key = await WriteAsync(bytes);

        Assert.That(await _store.PlaceAsync(key, DicomWebArchive.Core.Blobs.BlobTier.Cool, CancellationToken.None), Is.True);

        Assert.That(PageCacheResidency.ResidentPages(Path.Combine(_store.CoolRoot, key[..2], key[2..4], key)), Is.Zero, "pages of the durable copy are dropped");
    }

    [Test]
    public async Task CommitAsync_ManyWritersAtOnce_OneShardFolderEveryBlobWhole()
    {
        var written = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var bytes = RandomNumberGenerator.GetBytes(1000 + i);
            return (Key: await WriteAsync(bytes), Bytes: bytes);
        }));

        Assert.That(written.Select(w => w.Key).Distinct().Count(), Is.EqualTo(40));
        // Blobs made in the same minute share their shard folder (at most two folders if the minute turned meanwhile).
        Assert.That(written.Select(w => w.Key[..4]).Distinct().Count(), Is.LessThanOrEqualTo(2));
        foreach (var (key, bytes) in written)
        {
            await using var stream = await _store.OpenReadAsync(key, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(bytes), key);
        }
    }

    [Test]
    public void New_MinutesApart_OtherShardSameFormat()
    {
        var now = new DateTimeOffset(2026, 12, 5, 14, 0, 30, TimeSpan.Zero);
        var first = BlobKey.New(now);
        var sameMinute = BlobKey.New(now.AddSeconds(20));
        var nextMinute = BlobKey.New(now.AddMinutes(1));

        Assert.That(new[] { first, sameMinute, nextMinute }, Has.All.Matches<string>(BlobKey.IsValid));
        Assert.That(sameMinute[..4], Is.EqualTo(first[..4]));
        Assert.That(sameMinute, Is.Not.EqualTo(first));
        Assert.That(nextMinute[..4], Is.Not.EqualTo(first[..4]));
    }

    [Test]
    public async Task OpenReadAsync_BeforeCommit_Null()
    {
        await using var writer = await _store.CreateAsync(CancellationToken.None);
        await writer.Stream.WriteAsync(new byte[] { 1, 2, 3 });
        await writer.Stream.FlushAsync();

        Assert.That(await _store.OpenReadAsync(writer.Key, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task DisposeAsync_WithoutCommit_LeavesNoFile()
    {
        string key;
        await using (var writer = await _store.CreateAsync(CancellationToken.None))
        {
            key = writer.Key;
            await writer.Stream.WriteAsync(RandomNumberGenerator.GetBytes(100_000));
        }

        Assert.That(await _store.OpenReadAsync(key, CancellationToken.None), Is.Null);
        Assert.That(Directory.EnumerateFiles(_temp.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task CreateAsync_ManyBlobs_KeysAreDistinct128BitHex()
    {
        var keys = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            await using var writer = await _store.CreateAsync(CancellationToken.None);
            keys.Add(writer.Key);
            Assert.That(writer.Key, Does.Match("^[0-9a-f]{32}$"));
        }

        Assert.That(keys, Has.Count.EqualTo(50));
    }

    [TestCase("../../../etc/passwd")]
    [TestCase("ab/cd/0123456789abcdef0123456789abcdef")]
    [TestCase("0123456789ABCDEF0123456789ABCDEF")]
    [TestCase("0123456789abcdef0123456789abcde")]
    [TestCase("0123456789abcdef0123456789abcdef.tmp")]
    [TestCase("..\\..\\0123456789abcdef0123456789ab")]
    [TestCase("")]
    public void Operations_ForeignKey_Rejected(string key)
    {
        Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync(key, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => _store.DeleteAsync(key, CancellationToken.None));
    }

    [Test]
    public async Task OpenReadAsync_UnknownKey_Null() =>
        Assert.That(await _store.OpenReadAsync(new string('a', 32), CancellationToken.None), Is.Null);

    [Test]
    public async Task OpenReadAsync_BlobInCoolRoot_Found()
    {
        var key = await WriteAsync([9, 8, 7]);
        MoveToCool(key);

        await using var stream = await _store.OpenReadAsync(key, CancellationToken.None);

        Assert.That(stream, Is.Not.Null);
        Assert.That(stream!.Length, Is.EqualTo(3));
    }

    [Test]
    public async Task DeleteAsync_HotAndCoolBlobs_Gone()
    {
        var hot = await WriteAsync([1]);
        var cool = await WriteAsync([2]);
        MoveToCool(cool);

        await _store.DeleteAsync(hot, CancellationToken.None);
        await _store.DeleteAsync(cool, CancellationToken.None);
        await _store.DeleteAsync(new string('c', 32), CancellationToken.None);

        Assert.That(await _store.OpenReadAsync(hot, CancellationToken.None), Is.Null);
        Assert.That(await _store.OpenReadAsync(cool, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task ListAsync_OldAndYoungBlobs_ListsOnlyOldOnesFromBothRoots()
    {
        var old = await WriteAsync([1]);
        var oldCool = await WriteAsync([2]);
        var young = await WriteAsync([3]);
        MoveToCool(oldCool);
        Age(old, TimeSpan.FromHours(2));
        Age(oldCool, TimeSpan.FromHours(2));

        var listed = await ListAsync(DateTimeOffset.UtcNow.AddHours(-1));

        Assert.That(listed, Is.EquivalentTo(new[] { old, oldCool }));
        Assert.That(listed, Does.Not.Contain(young));
    }

    [Test]
    public async Task ListAsync_AbandonedTempFile_NotListedAndDeletedWhenOld()
    {
        var abandoned = await _store.CreateAsync(CancellationToken.None);
        await abandoned.Stream.WriteAsync(new byte[] { 1 });
        await abandoned.Stream.FlushAsync();
        var temp = Path.Combine(_store.HotRoot, abandoned.Key[..2], abandoned.Key[2..4], abandoned.Key + ".tmp");
        await using var active = await _store.CreateAsync(CancellationToken.None);
        File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddHours(-2));

        var listed = await ListAsync(DateTimeOffset.UtcNow.AddHours(-1));

        Assert.That(listed, Is.Empty);
        Assert.That(File.Exists(temp), Is.False);
        Assert.That(File.Exists(Path.Combine(_store.HotRoot, active.Key[..2], active.Key[2..4], active.Key + ".tmp")), Is.True);
        await abandoned.DisposeAsync();
    }

    [Test]
    public async Task IsHealthyAsync_RootsPresentThenRemoved_TrueThenFalse()
    {
        Assert.That(await _store.IsHealthyAsync(CancellationToken.None), Is.True);

        Directory.Delete(_store.CoolRoot, recursive: true);

        Assert.That(await _store.IsHealthyAsync(CancellationToken.None), Is.False);
    }

    /// <summary>The same bytes written the ordinary way stay cached; without that (tmpfs, not Linux) residency says nothing.</summary>
    private async Task AssumeWrittenPagesStayCachedAsync(byte[] bytes)
    {
        Assume.That(OperatingSystem.IsLinux(), "page cache residency is read with Linux's mincore");
        var control = _temp.Combine("control.bin");
        await using (var file = new FileStream(control, FileMode.Create, FileAccess.Write))
        {
            await file.WriteAsync(bytes);
            file.Flush(flushToDisk: true);
        }
        Assume.That(PageCacheResidency.ResidentPages(control), Is.GreaterThan(0), "this file system keeps written pages cached");
    }

    private async Task<string> WriteAsync(byte[] bytes)
    {
        await using var writer = await _store.CreateAsync(CancellationToken.None);
        await writer.Stream.WriteAsync(bytes);
        await writer.CommitAsync(CancellationToken.None);
        return writer.Key;
    }

    private async Task<List<string>> ListAsync(DateTimeOffset olderThan)
    {
        var keys = new List<string>();
        await foreach (var key in _store.ListAsync(olderThan, CancellationToken.None))
        {
            keys.Add(key);
        }

        return keys;
    }

    private void MoveToCool(string key)
    {
        var target = Path.Combine(_store.CoolRoot, key[..2], key[2..4], key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(Path.Combine(_store.HotRoot, key[..2], key[2..4], key), target);
    }

    private void Age(string key, TimeSpan age)
    {
        foreach (var root in new[] { _store.HotRoot, _store.CoolRoot })
        {
            var path = Path.Combine(root, key[..2], key[2..4], key);
            if (File.Exists(path))
            {
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
            }
        }
    }
}
