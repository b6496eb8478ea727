using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>Migrations on each database (IndexProviders), every test on a fresh one.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class IndexMigratorTests(string provider)
{
    private TestIndexDatabase _database = null!;

    [SetUp]
    public async Task SetUp() => _database = await TestIndexDatabase.CreateAsync(provider);

    [TearDown]
    public async Task TearDown()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private IndexDatabase NewDatabase() => IndexDatabase.Create(provider, _database.ConnectionString);

    [Test]
    public async Task MigrateAsync_FreshDatabase_CreatesTablesAndRecordsVersion()
    {
        var database = NewDatabase();

        var applied = await IndexMigrator.MigrateAsync(database, CancellationToken.None);

        Assert.That(applied, Is.EqualTo(IndexMigrator.Load(database.Dialect).Select(m => m.Version)));
        await using var connection = await _database.OpenAsync();
        var tables = (await connection.QueryAsync<string>(provider switch
        {
            IndexProviders.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
            IndexProviders.PostgreSql => "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
            _ => "SELECT table_name FROM information_schema.tables WHERE table_schema = SCHEMA_NAME()",
        })).ToList();
        Assert.That(tables, Is.SupersetOf(new[] { "audit_event", "change_log", "instance", "schema_version", "series", "study" }));
        var versions = (await connection.QueryAsync<(long Version, string Name, long AppliedAt)>("SELECT version, name, applied_at FROM schema_version ORDER BY version")).ToList();
        Assert.That(versions.Select(v => v.Version), Is.EqualTo(applied.Select(v => (long)v)));
        Assert.That(versions[0].Name, Is.EqualTo("0001_initial"));
        Assert.That(DateTimeOffset.FromUnixTimeMilliseconds(versions[0].AppliedAt), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        if (provider == IndexProviders.Sqlite)
        {
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        }
    }

    [Test]
    public async Task MigrateAsync_Reopened_AppliesNothing()
    {
        await IndexMigrator.MigrateAsync(NewDatabase(), CancellationToken.None);

        var applied = await IndexMigrator.MigrateAsync(NewDatabase(), CancellationToken.None);

        Assert.That(applied, Is.Empty);
        await using var connection = await _database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version"), Is.EqualTo(IndexMigrator.Load(NewDatabase().Dialect).Count));
    }

    [Test]
    public async Task MigrateAsync_ReplicasStartingAtOnce_AppliesEachScriptOnce()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => IndexMigrator.MigrateAsync(NewDatabase(), CancellationToken.None))));

        var expected = IndexMigrator.Load(NewDatabase().Dialect).Select(m => m.Version);
        Assert.That(runs.SelectMany(r => r).Order(), Is.EqualTo(expected));
    }

    [Test]
    public async Task MigrateAsync_IndexOfTheFirstVersion_ExistingInstancesEnterTheChangeLogInStoredOrder()
    {
        var database = NewDatabase();
        var first = IndexMigrator.Load(database.Dialect)[0];
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(database.Dialect.CreateSchemaVersionTable);
            foreach (var batch in IndexMigrator.Batches(first.Sql()))
            {
                await connection.ExecuteAsync(batch);
            }
            await connection.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (1, '0001_initial', 0)");
            await connection.ExecuteAsync("INSERT INTO study (study_instance_uid, created_at, updated_at) VALUES ('1.1', 0, 0)");
            await connection.ExecuteAsync("INSERT INTO series (study_id, series_instance_uid, created_at) SELECT id, '1.1.1', 0 FROM study");
            foreach (var (n, sop) in new[] { (1, "1.1.1.9"), (2, "1.1.1.3"), (3, "1.1.1.1") })
            {
                await connection.ExecuteAsync(
                    "INSERT INTO instance (series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid, size, sha256, blob_key, tier, metadata, created_at) " +
                    "SELECT id, @Sop, '1.2', '1.2.840.10008.1.2.1', 1, @Bytes, @Key, 'hot', @Bytes, @At FROM series",
                    new { Sop = sop, Bytes = new byte[] { 0 }, Key = $"k{n}", At = (long)n });
            }
        }

        var applied = await IndexMigrator.MigrateAsync(database, CancellationToken.None);

        Assert.That(applied, Does.Contain(2));
        await using var check = await database.OpenAsync(CancellationToken.None);
        var instances = (await check.QueryAsync<(string Sop, long Sequence)>("SELECT sop_instance_uid, change_sequence FROM instance ORDER BY id")).ToList();
        Assert.That(instances.Select(i => i.Sop), Is.EqualTo(new[] { "1.1.1.9", "1.1.1.3", "1.1.1.1" }));
        Assert.That(instances.Select(i => i.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }), "numbered in the order they were stored");
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM change_log WHERE action = 'create' AND series_instance_uid = '1.1.1'"), Is.EqualTo(3));
        var store = SqlIndexStore.Create(provider, _database.ConnectionString);
        await store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT MAX(sequence) FROM change_log"), Is.EqualTo(4), "new writes continue after the backfill");
    }
}
