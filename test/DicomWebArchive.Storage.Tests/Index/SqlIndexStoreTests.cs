using DicomWebArchive.Core;
using Dapper;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>The index on each database (IndexProviders), every test on a fresh one.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed partial class SqlIndexStoreTests(string provider)
{
    private TestIndexDatabase _database = null!;
    private SqlIndexStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _database = await TestIndexDatabase.CreateAsync(provider);
        _store = NewStore();
        await _store.InitializeAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Another store on the same database, as another process would have.</summary>
    private SqlIndexStore NewStore() => SqlIndexStore.Create(provider, _database.ConnectionString);

    [Test]
    public async Task AddInstanceAsync_New_StoresEveryAttribute()
    {
        var record = IndexRecords.Instance(1, 1, 1);

        var (result, replaced) = await _store.AddInstanceAsync(record, overwrite: false, ArchiveCaller.System, CancellationToken.None);

        Assert.That(result, Is.EqualTo(AddInstanceResult.Added));
        Assert.That(replaced, Is.Null);
        var stored = (await _store.ListInstancesAsync(Scope(record), StudyAccess.All, CancellationToken.None)).Single();
        Assert.That(stored with { Sha256 = record.Sha256, FrameTable = record.FrameTable, MetadataJson = record.MetadataJson }, Is.EqualTo(record));
        Assert.That(stored.Sha256, Is.EqualTo(record.Sha256));
        Assert.That(stored.FrameTable, Is.EqualTo(record.FrameTable));
        Assert.That(stored.MetadataJson, Is.EqualTo(record.MetadataJson));
    }

    [Test]
    public async Task AddInstanceAsync_New_NormalizesPatientNameAndWritesAuditRow()
    {
        var record = IndexRecords.Instance(1, 1, 1);

        await _store.AddInstanceAsync(record, overwrite: false, ArchiveCaller.System, CancellationToken.None);

        await using var connection = await _database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT patient_name_normalized FROM study"), Is.EqualTo("MULLER^ZOE"));
        var audit = (await connection.QueryAsync<(string? Actor, string Action, string Study, string Series, string Sop, long At)>(
            "SELECT subject, action, study_instance_uid, series_instance_uid, sop_instance_uid, occurred_at FROM audit_event")).Single();
        Assert.That(audit.Actor, Is.EqualTo("system"));
        Assert.That(audit.Action, Is.EqualTo("store"));
        Assert.That((audit.Study, audit.Series, audit.Sop), Is.EqualTo((record.StudyInstanceUid, record.SeriesInstanceUid, record.SopInstanceUid)));
        Assert.That(DateTimeOffset.FromUnixTimeMilliseconds(audit.At), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
    }

    [Test]
    public async Task AddInstanceAsync_SeveralSeriesAndStudies_AggregatesExact()
    {
        var records = new[]
        {
            IndexRecords.Instance(1, 1, 1, "CT"), IndexRecords.Instance(1, 1, 2, "CT"), IndexRecords.Instance(1, 1, 3, "CT"),
            IndexRecords.Instance(1, 2, 1, "SR", IndexRecords.SecondaryCaptureStorage), IndexRecords.Instance(1, 3, 1, "CT"),
            IndexRecords.Instance(1, 4, 1, "MR", IndexRecords.MrImageStorage),
            IndexRecords.Instance(2, 1, 1, "MR", IndexRecords.MrImageStorage), IndexRecords.Instance(2, 1, 2, "MR", IndexRecords.MrImageStorage),
        };

        foreach (var record in records)
        {
            Assert.That((await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None)).Result, Is.EqualTo(AddInstanceResult.Added));
        }

        var first = await _store.GetStudyAsync(IndexRecords.Uid("1", 1), StudyAccess.All, CancellationToken.None);
        Assert.That(first!.ModalitiesInStudy, Is.EqualTo(new[] { "CT", "MR", "SR" }));
        Assert.That(first.SopClassesInStudy, Is.EqualTo(new[] { IndexRecords.CtImageStorage, IndexRecords.MrImageStorage, IndexRecords.SecondaryCaptureStorage }));
        Assert.That(first.NumberOfStudyRelatedSeries, Is.EqualTo(4));
        Assert.That(first.NumberOfStudyRelatedInstances, Is.EqualTo(6));
        var second = await _store.GetStudyAsync(IndexRecords.Uid("1", 2), StudyAccess.All, CancellationToken.None);
        Assert.That(second!.ModalitiesInStudy, Is.EqualTo(new[] { "MR" }));
        Assert.That((second.NumberOfStudyRelatedSeries, second.NumberOfStudyRelatedInstances), Is.EqualTo((1, 2)));
        var series = await _store.ListSeriesAsync(IndexRecords.Uid("1", 1), StudyAccess.All, CancellationToken.None);
        Assert.That(series.Select(s => (s.SeriesNumber, s.Modality, s.NumberOfSeriesRelatedInstances)),
            Is.EqualTo(new (int?, string?, int)[] { (1, "CT", 3), (2, "SR", 1), (3, "CT", 1), (4, "MR", 1) }));
        Assert.That(await _store.GetSeriesAsync(IndexRecords.Uid("1", 1), records[0].SeriesInstanceUid, StudyAccess.All, CancellationToken.None), Is.Not.Null);
        Assert.That(await _store.GetSeriesAsync(IndexRecords.Uid("1", 2), records[0].SeriesInstanceUid, StudyAccess.All, CancellationToken.None), Is.Null);
        var instances = await _store.ListInstancesAsync(new InstanceScope(IndexRecords.Uid("1", 1), records[0].SeriesInstanceUid), StudyAccess.All, CancellationToken.None);
        Assert.That(instances.Select(i => i.InstanceNumber), Is.EqualTo(new int?[] { 1, 2, 3 }));
        Assert.That(await _store.ListInstancesAsync(new InstanceScope(IndexRecords.Uid("1", 1)), StudyAccess.All, CancellationToken.None), Has.Count.EqualTo(6));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task ListInstanceContentsAsync_StudyOrSeries_SameInstancesInSameOrderAsFullListing(bool wholeStudy)
    {
        foreach (var record in new[] { IndexRecords.Instance(1, 2, 2), IndexRecords.Instance(1, 1, 3), IndexRecords.Instance(1, 1, 1), IndexRecords.Instance(1, 2, 1), IndexRecords.Instance(2, 1, 1) })
        {
            await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        }
        string study = IndexRecords.Uid("1", 1);
        string? series = wholeStudy ? null : IndexRecords.Instance(1, 1, 1).SeriesInstanceUid;

        var contents = await _store.ListInstanceContentsAsync(new InstanceScope(study, series), StudyAccess.All, CancellationToken.None);

        var full = await _store.ListInstancesAsync(new InstanceScope(study, series), StudyAccess.All, CancellationToken.None);
        Assert.That(contents, Has.Count.EqualTo(wholeStudy ? 4 : 2));
        Assert.That(contents, Is.EqualTo(full.Select(r => r.ToContent())).Using<InstanceContent>(SameContent));
        Assert.That(await _store.ListInstanceContentsAsync(new InstanceScope(IndexRecords.Uid("1", 9), series), StudyAccess.All, CancellationToken.None), Is.Empty);
    }

    private static InstanceScope Scope(InstanceRecord record) => new(record.StudyInstanceUid, record.SeriesInstanceUid, record.SopInstanceUid);

    private static bool SameContent(InstanceContent a, InstanceContent b) =>
        (a.StudyInstanceUid, a.SeriesInstanceUid, a.SopInstanceUid, a.TransferSyntaxUid, a.Size, a.BlobKey) ==
        (b.StudyInstanceUid, b.SeriesInstanceUid, b.SopInstanceUid, b.TransferSyntaxUid, b.Size, b.BlobKey)
        && a.Sha256.AsSpan().SequenceEqual(b.Sha256) && a.MetadataJson.AsSpan().SequenceEqual(b.MetadataJson);

    [Test]
    public async Task AddInstanceAsync_SecondInstance_KeepsFirstWritersStudyAttributes()
    {
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);

        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2) with { StudyDescription = "OTHER", PatientName = "Other^Name" }, false, ArchiveCaller.System, CancellationToken.None);

        var study = await _store.GetStudyAsync(IndexRecords.Uid("1", 1), StudyAccess.All, CancellationToken.None);
        Assert.That((study!.StudyDescription, study.PatientName), Is.EqualTo(("CT THORAX", "Müller^Zoë")));
        Assert.That(study.NumberOfStudyRelatedInstances, Is.EqualTo(2));
    }

    [Test]
    public async Task AddInstanceAsync_SameSopSameHash_AlreadyStoredAndNothingChanges()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);

        var again = await _store.AddInstanceAsync(record with { BlobKey = new string('0', 32) }, overwrite: true, ArchiveCaller.System, CancellationToken.None);

        Assert.That(again, Is.EqualTo((AddInstanceResult.AlreadyStored, (string?)null)));
        Assert.That((await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None))!.BlobKey, Is.EqualTo(record.BlobKey));
        Assert.That(await AuditCountAsync(), Is.EqualTo(2), "the re-send is recorded as kept");
    }

    [Test]
    public async Task AddInstanceAsync_SameSopOtherHash_ConflictAndNothingChanges()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);

        var other = IndexRecords.Instance(1, 1, 1, content: "b");
        var result = await _store.AddInstanceAsync(other, overwrite: false, ArchiveCaller.System, CancellationToken.None);

        Assert.That(result, Is.EqualTo((AddInstanceResult.Conflict, (string?)null)));
        var stored = await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None);
        Assert.That((stored!.BlobKey, stored.Sha256), Is.EqualTo((record.BlobKey, record.Sha256)));
        Assert.That(await AuditCountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task AddInstanceAsync_OverwriteSameSeries_ReplacedWithOldKeyAndExactCounts()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2), false, ArchiveCaller.System, CancellationToken.None);

        var other = IndexRecords.Instance(1, 1, 1, sopClass: IndexRecords.SecondaryCaptureStorage, content: "b");
        var result = await _store.AddInstanceAsync(other, overwrite: true, ArchiveCaller.System, CancellationToken.None);

        Assert.That(result, Is.EqualTo((AddInstanceResult.Replaced, (string?)record.BlobKey)));
        Assert.That((await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None))!.BlobKey, Is.EqualTo(other.BlobKey));
        Assert.That(await _store.IsBlobReferencedAsync(record.BlobKey, CancellationToken.None), Is.False);
        var study = await _store.GetStudyAsync(record.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
        Assert.That((study!.NumberOfStudyRelatedSeries, study.NumberOfStudyRelatedInstances), Is.EqualTo((1, 2)));
        Assert.That(study.SopClassesInStudy, Is.EqualTo(new[] { IndexRecords.CtImageStorage, IndexRecords.SecondaryCaptureStorage }));
        Assert.That((await _store.GetSeriesAsync(record.StudyInstanceUid, record.SeriesInstanceUid, StudyAccess.All, CancellationToken.None))!.NumberOfSeriesRelatedInstances, Is.EqualTo(2));
        Assert.That(await AuditCountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task AddInstanceAsync_OverwriteMovesToOtherStudy_OldStudyAndSeriesRemovedAggregatesExact()
    {
        var record = IndexRecords.Instance(1, 1, 1, "CT");
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(2, 1, 1, "MR", IndexRecords.MrImageStorage), false, ArchiveCaller.System, CancellationToken.None);

        var moved = IndexRecords.Instance(2, 1, 1, "MR", IndexRecords.MrImageStorage, content: "b") with { SopInstanceUid = record.SopInstanceUid };
        var result = await _store.AddInstanceAsync(moved, overwrite: true, ArchiveCaller.System, CancellationToken.None);

        Assert.That(result, Is.EqualTo((AddInstanceResult.Replaced, (string?)record.BlobKey)));
        Assert.That(await _store.GetStudyAsync(record.StudyInstanceUid, StudyAccess.All, CancellationToken.None), Is.Null);
        Assert.That(await _store.ListSeriesAsync(record.StudyInstanceUid, StudyAccess.All, CancellationToken.None), Is.Empty);
        var study = await _store.GetStudyAsync(moved.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
        Assert.That((study!.NumberOfStudyRelatedSeries, study.NumberOfStudyRelatedInstances), Is.EqualTo((1, 2)));
        Assert.That(study.ModalitiesInStudy, Is.EqualTo(new[] { "MR" }));
        Assert.That(study.SopClassesInStudy, Is.EqualTo(new[] { IndexRecords.MrImageStorage }));
        Assert.That((await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None))!.StudyInstanceUid, Is.EqualTo(moved.StudyInstanceUid));
    }

    [Test]
    public async Task AddInstanceAsync_OverwriteMovesToOtherSeriesOfSameStudy_ModalitiesFollow()
    {
        var record = IndexRecords.Instance(1, 1, 1, "CT");
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 2, 1, "MR", IndexRecords.MrImageStorage), false, ArchiveCaller.System, CancellationToken.None);

        var moved = IndexRecords.Instance(1, 2, 2, "MR", IndexRecords.MrImageStorage, content: "b") with { SopInstanceUid = record.SopInstanceUid };
        await _store.AddInstanceAsync(moved, overwrite: true, ArchiveCaller.System, CancellationToken.None);

        var study = await _store.GetStudyAsync(record.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
        Assert.That((study!.NumberOfStudyRelatedSeries, study.NumberOfStudyRelatedInstances), Is.EqualTo((1, 2)));
        Assert.That(study.ModalitiesInStudy, Is.EqualTo(new[] { "MR" }));
        Assert.That(await _store.GetSeriesAsync(record.StudyInstanceUid, record.SeriesInstanceUid, StudyAccess.All, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task AddInstanceAsync_SeriesOfAnotherStudy_ConflictAndNothingStored()
    {
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);

        var stray = IndexRecords.Instance(2, 1, 2) with { SeriesInstanceUid = IndexRecords.Instance(1, 1, 1).SeriesInstanceUid };
        var result = await _store.AddInstanceAsync(stray, false, ArchiveCaller.System, CancellationToken.None);

        Assert.That(result.Result, Is.EqualTo(AddInstanceResult.Conflict));
        Assert.That(await _store.GetStudyAsync(stray.StudyInstanceUid, StudyAccess.All, CancellationToken.None), Is.Null);
        Assert.That(await _store.FindInstanceAsync(stray.SopInstanceUid, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task AddInstanceAsync_ConflictsAmongWritersAtOnce_OnlyTheConflictsRefusedTheRestAllThere()
    {
        var first = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(first, false, ArchiveCaller.System, CancellationToken.None);
        // Instances committed together share a transaction on SQLite: a refused one must take nothing of the others with
        // it, and leave nothing of its own (here a new study whose series already belongs to the first study).
        var strays = new HashSet<int>(Enumerable.Range(2, 30).Where(i => i % 3 == 0));
        var records = Enumerable.Range(2, 30)
            .Select(i => strays.Contains(i) ? IndexRecords.Instance(2, 1, i) with { SeriesInstanceUid = first.SeriesInstanceUid } : IndexRecords.Instance(1, 1, i))
            .ToList();

        var results = await Task.WhenAll(records.Select(r => _store.AddInstanceAsync(r, false, ArchiveCaller.System, CancellationToken.None)));

        for (var i = 0; i < records.Count; i++)
        {
            var refused = strays.Contains(records[i].InstanceNumber!.Value);
            Assert.That(results[i].Result, Is.EqualTo(refused ? AddInstanceResult.Conflict : AddInstanceResult.Added), records[i].SopInstanceUid);
            Assert.That(await _store.FindInstanceAsync(records[i].SopInstanceUid, CancellationToken.None), refused ? Is.Null : Is.Not.Null, records[i].SopInstanceUid);
        }
        var study = await _store.GetStudyAsync(first.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
        Assert.That(study!.NumberOfStudyRelatedInstances, Is.EqualTo(1 + records.Count - strays.Count));
        Assert.That(await _store.GetStudyAsync(IndexRecords.Instance(2, 1, 1).StudyInstanceUid, StudyAccess.All, CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task FindInstanceAsync_Missing_Null() =>
        Assert.That(await _store.FindInstanceAsync("1.2.3", CancellationToken.None), Is.Null);

    [Test]
    public async Task FindInstanceAsync_Stored_ReturnsLocation()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);

        var found = await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None);

        Assert.That(found!.StudyInstanceUid, Is.EqualTo(record.StudyInstanceUid));
        Assert.That(found.SeriesInstanceUid, Is.EqualTo(record.SeriesInstanceUid));
        Assert.That(found.SopClassUid, Is.EqualTo(record.SopClassUid));
        Assert.That(found.Sha256, Is.EqualTo(record.Sha256));
        Assert.That(found.BlobKey, Is.EqualTo(record.BlobKey));
    }

    [Test]
    public async Task IsBlobReferencedAsync_StoredAndUnknownKeys_TrueThenFalse()
    {
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);

        Assert.That(await _store.IsBlobReferencedAsync(record.BlobKey, CancellationToken.None), Is.True);
        Assert.That(await _store.IsBlobReferencedAsync(new string('f', 32), CancellationToken.None), Is.False);
    }

    [Test]
    public async Task IsHealthyAsync_Migrated_True() => Assert.That(await _store.IsHealthyAsync(CancellationToken.None), Is.True);

    [Test]
    public async Task IsHealthyAsync_NotMigrated_False()
    {
        await using var empty = await TestIndexDatabase.CreateAsync(provider);
        var store = SqlIndexStore.Create(provider, empty.ConnectionString);

        var health = await store.GetHealthAsync(CancellationToken.None);

        Assert.That(await store.IsHealthyAsync(CancellationToken.None), Is.False);
        Assert.That((health.IsHealthy, health.SchemaVersion), Is.EqualTo((false, (int?)null)));
        Assert.That(health.Description, Does.Contain("Storage:Index:ConnectionString"));
    }

    [Test]
    public async Task GetHealthAsync_Migrated_NamesDatabaseAndSchemaVersionNotPassword()
    {
        var health = await _store.GetHealthAsync(CancellationToken.None);

        int latest = IndexMigrator.LatestVersion(SqliteDialect.Instance);
        Assert.That((health.IsHealthy, health.SchemaVersion), Is.EqualTo((true, (int?)latest)));
        Assert.That(health.Description, Does.Contain($"schema version {latest}"));
        Assert.That(health.Description, Does.Not.Contain("Password").IgnoreCase);
    }

    private async Task<long> AuditCountAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_event");
    }
}
