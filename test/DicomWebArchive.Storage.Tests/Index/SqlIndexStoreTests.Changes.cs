using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed partial class SqlIndexStoreTests
{
    [Test]
    public async Task AddInstanceAsync_EachWrite_NextChangeSequenceInTheLog()
    {
        var first = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(first, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2), false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(first, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1, content: "b"), true, ArchiveCaller.System, CancellationToken.None);

        await using var connection = await _database.OpenAsync();
        var log = (await connection.QueryAsync<(long Sequence, string Action, string Sop)>(
            "SELECT sequence, action, sop_instance_uid FROM change_log ORDER BY sequence")).ToList();
        Assert.That(log.Select(c => (c.Action, c.Sop)), Is.EqualTo(new[]
        {
            ("create", first.SopInstanceUid), ("create", IndexRecords.Instance(1, 1, 2).SopInstanceUid), ("update", first.SopInstanceUid),
        }), "an identical re-send changes nothing");
        Assert.That(log.Select(c => c.Sequence), Is.Ordered.Ascending.And.Unique);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT change_sequence FROM instance WHERE sop_instance_uid = @Sop", new { Sop = first.SopInstanceUid }),
            Is.EqualTo(log[2].Sequence));
    }

    [Test]
    public async Task GetVersionAsync_ScopeChanges_NewVersionOnlyThen()
    {
        var study = new InstanceScope(IndexRecords.Uid("1", 1));
        Assert.That(await _store.GetVersionAsync(study, StudyAccess.All, CancellationToken.None), Is.Null);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);
        var one = await _store.GetVersionAsync(study, StudyAccess.All, CancellationToken.None);

        await _store.AddInstanceAsync(IndexRecords.Instance(2, 1, 1), false, ArchiveCaller.System, CancellationToken.None);
        var otherStudyAdded = await _store.GetVersionAsync(study, StudyAccess.All, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 2, 1), false, ArchiveCaller.System, CancellationToken.None);
        var two = await _store.GetVersionAsync(study, StudyAccess.All, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1, content: "b"), true, ArchiveCaller.System, CancellationToken.None);
        var replaced = await _store.GetVersionAsync(study, StudyAccess.All, CancellationToken.None);

        Assert.That(one, Is.EqualTo(new ContentVersion(1, one!.Value.LatestChange, "PID1")));
        Assert.That(otherStudyAdded, Is.EqualTo(one), "another study's instance leaves this one's version");
        Assert.That(two!.Value.Instances, Is.EqualTo(2));
        Assert.That(replaced!.Value.Instances, Is.EqualTo(2));
        Assert.That(new[] { one, two, replaced }.Select(v => v!.Value.LatestChange), Is.Ordered.Ascending.And.Unique);
        Assert.That(await _store.GetVersionAsync(new InstanceScope(study.StudyInstanceUid, IndexRecords.Instance(1, 2, 1).SeriesInstanceUid), StudyAccess.All, CancellationToken.None),
            Is.EqualTo(new ContentVersion(1, two.Value.LatestChange, "PID1")));
    }

    [Test]
    public async Task Lookups_AccessExcludingTheStudy_FindNothing()
    {
        var record = IndexRecords.Instance(1, 1, 1) with { AccessKey = "St Mary's" };
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        var instance = new InstanceScope(record.StudyInstanceUid, record.SeriesInstanceUid, record.SopInstanceUid);
        var allowed = StudyAccess.OnlyKeys("Other Hospital", "St Mary's");
        StudyAccess[] excluded = [StudyAccess.OnlyKeys("St Mary"), StudyAccess.OnlyKeys(), StudyAccess.OnlyStudies(IndexRecords.Uid("1", 2)), StudyAccess.OnlyStudies()];

        Assert.That(await _store.ListInstancesAsync(instance, allowed, CancellationToken.None), Has.Count.EqualTo(1));
        Assert.That(await _store.ListInstancesAsync(instance, StudyAccess.OnlyStudies(record.StudyInstanceUid), CancellationToken.None), Has.Count.EqualTo(1));
        foreach (var access in excluded)
        {
            Assert.That(await _store.ListInstancesAsync(instance, access, CancellationToken.None), Is.Empty);
            Assert.That(await _store.ListInstanceContentsAsync(new InstanceScope(record.StudyInstanceUid), access, CancellationToken.None), Is.Empty);
            Assert.That(await _store.GetVersionAsync(new InstanceScope(record.StudyInstanceUid), access, CancellationToken.None), Is.Null);
            Assert.That(await _store.GetStudyAsync(record.StudyInstanceUid, access, CancellationToken.None), Is.Null);
            Assert.That(await _store.ListSeriesAsync(record.StudyInstanceUid, access, CancellationToken.None), Is.Empty);
        }
    }

    [Test]
    public async Task Lookups_InstanceNamedUnderAnotherSeries_NotFound()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);

        var wrongSeries = new InstanceScope(record.StudyInstanceUid, IndexRecords.Uid("2", 999), record.SopInstanceUid);
        var wrongStudy = new InstanceScope(IndexRecords.Uid("1", 2), record.SeriesInstanceUid, record.SopInstanceUid);

        Assert.That(await _store.ListInstancesAsync(wrongSeries, StudyAccess.All, CancellationToken.None), Is.Empty);
        Assert.That(await _store.ListInstancesAsync(wrongStudy, StudyAccess.All, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task AddInstanceAsync_FirstInstanceWithoutAccessKey_StudyTakesTheFirstKeyThatComes()
    {
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);
        var study = new InstanceScope(IndexRecords.Uid("1", 1));
        Assert.That(await _store.ListInstancesAsync(study, StudyAccess.OnlyKeys("A"), CancellationToken.None), Is.Empty);

        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2) with { AccessKey = "A" }, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 3) with { AccessKey = "B" }, false, ArchiveCaller.System, CancellationToken.None);

        Assert.That(await _store.ListInstancesAsync(study, StudyAccess.OnlyKeys("A"), CancellationToken.None), Has.Count.EqualTo(3), "the whole study");
        Assert.That(await _store.ListInstancesAsync(study, StudyAccess.OnlyKeys("B"), CancellationToken.None), Is.Empty, "the first key stays");
    }
}
