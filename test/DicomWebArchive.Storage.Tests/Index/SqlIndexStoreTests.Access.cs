using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>A caller whose study access is restricted stores only into studies it may see, and learns nothing of the others.</summary>
public sealed partial class SqlIndexStoreTests
{
    private static ArchiveCaller Restricted(StudyAccess access) => new() { Subject = "writer", CorrelationId = "access-test", Access = access };

    private async Task<(long Studies, long Instances, long Changes, long Audits)> CountRowsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM study"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instance"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM change_log"),
            await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_event"));
    }

    [Test]
    public async Task AddInstanceAsync_RestrictedCaller_StoresIntoItsOwnStudies()
    {
        var writer = Restricted(StudyAccess.OnlyKeys("A"));

        var (result, _) = await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1) with { AccessKey = "A" }, false, writer, CancellationToken.None);
        var (second, _) = await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2) with { AccessKey = "A" }, false, writer, CancellationToken.None);

        Assert.That((result, second), Is.EqualTo((AddInstanceResult.Added, AddInstanceResult.Added)));
        Assert.That(await _store.ListInstancesAsync(new InstanceScope(IndexRecords.Uid("1", 1)), StudyAccess.OnlyKeys("A"), CancellationToken.None), Has.Count.EqualTo(2));
    }

    [TestCase("B")]
    [TestCase(null)]
    public async Task AddInstanceAsync_RestrictedCallerNewStudyWithAnotherKey_NotAuthorizedNothingWritten(string? key)
    {
        var before = await CountRowsAsync();

        var (result, replaced) = await _store.AddInstanceAsync(IndexRecords.Instance(2, 1, 1) with { AccessKey = key }, false, Restricted(StudyAccess.OnlyKeys("A")), CancellationToken.None);

        Assert.That(result, Is.EqualTo(AddInstanceResult.NotAuthorized));
        Assert.That(replaced, Is.Null);
        Assert.That(await CountRowsAsync(), Is.EqualTo(before), "no study, instance, change or audit row");
        Assert.That(await _store.GetStudyAsync(IndexRecords.Uid("1", 2), StudyAccess.All, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task AddInstanceAsync_RestrictedCallerIntoAnotherCallersStudy_NotAuthorizedStudyUnchanged()
    {
        var other = IndexRecords.Instance(1, 1, 1) with { AccessKey = "B" };
        await _store.AddInstanceAsync(other, false, ArchiveCaller.System, CancellationToken.None);
        var before = await CountRowsAsync();

        // The instance says "A", but the study it joins keeps "B": the caller could never see what it stored.
        var (result, _) = await _store.AddInstanceAsync(IndexRecords.Instance(1, 2, 1) with { AccessKey = "A" }, false, Restricted(StudyAccess.OnlyKeys("A")), CancellationToken.None);

        Assert.That(result, Is.EqualTo(AddInstanceResult.NotAuthorized));
        Assert.That(await CountRowsAsync(), Is.EqualTo(before));
        var study = await _store.GetStudyAsync(other.StudyInstanceUid, StudyAccess.OnlyKeys("B"), CancellationToken.None);
        Assert.That(study!.NumberOfStudyRelatedSeries, Is.EqualTo(1));
    }

    [TestCase(false, "a")]
    [TestCase(false, "different bytes")]
    [TestCase(true, "different bytes")]
    public async Task AddInstanceAsync_RestrictedCallerResendsAnotherCallersInstance_NotAuthorizedNeitherAlreadyStoredNorReplaced(bool overwrite, string content)
    {
        var other = IndexRecords.Instance(1, 1, 1) with { AccessKey = "B" };
        await _store.AddInstanceAsync(other, false, ArchiveCaller.System, CancellationToken.None);

        // Even in a study of its own: "already stored" or "conflict" would tell what another study holds.
        var resent = IndexRecords.Instance(1, 1, 1, content: content) with { StudyInstanceUid = IndexRecords.Uid("1", 9), AccessKey = "A" };
        var (result, replaced) = await _store.AddInstanceAsync(resent, overwrite, Restricted(StudyAccess.OnlyKeys("A")), CancellationToken.None);

        Assert.That(result, Is.EqualTo(AddInstanceResult.NotAuthorized));
        Assert.That(replaced, Is.Null);
        var stored = (await _store.ListInstancesAsync(new InstanceScope(other.StudyInstanceUid), StudyAccess.All, CancellationToken.None)).Single();
        Assert.That(stored.Sha256, Is.EqualTo(other.Sha256));
        Assert.That(await _store.GetStudyAsync(IndexRecords.Uid("1", 9), StudyAccess.All, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task AddInstanceAsync_CallerLimitedToStudies_StoresOnlyIntoThem()
    {
        var writer = Restricted(StudyAccess.OnlyStudies(IndexRecords.Uid("1", 1)));

        var (inside, _) = await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, writer, CancellationToken.None);
        var (outside, _) = await _store.AddInstanceAsync(IndexRecords.Instance(2, 1, 1), false, writer, CancellationToken.None);

        Assert.That((inside, outside), Is.EqualTo((AddInstanceResult.Added, AddInstanceResult.NotAuthorized)));
    }
}
