using Dapper;
using DicomWebArchive.Storage.Index;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed class IndexMigratorTests
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
    public void Load_Sqlite_FindsNumberedScriptsInOrder()
    {
        var migrations = IndexMigrator.Load(SqliteDialect.Instance);

        Assert.That(migrations, Is.Not.Empty);
        Assert.That(migrations[0].Version, Is.EqualTo(1));
        Assert.That(migrations[0].Name, Is.EqualTo("0001_initial"));
        Assert.That(migrations.Select(m => m.Version), Is.Ordered.And.Unique);
        Assert.That(migrations[0].Sql(), Does.Contain("CREATE TABLE study"));
    }

    [Test]
    public void Load_DialectWithoutScripts_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => IndexMigrator.Load(SqlServerDialect.Instance));

        Assert.That(error!.Message, Does.Contain("SqlServer"));
    }

    [Test]
    public async Task MigrateAsync_FreshFile_CreatesTablesAndRecordsVersion()
    {
        var database = new SqliteIndexDatabase($"Data Source={_temp.Combine("sub", "index.db")}");

        var applied = await IndexMigrator.MigrateAsync(database, CancellationToken.None);

        Assert.That(applied, Is.EqualTo(IndexMigrator.Load(SqliteDialect.Instance).Select(m => m.Version)));
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).ToList();
        Assert.That(tables, Is.SupersetOf(new[] { "audit_event", "change_log", "instance", "schema_version", "series", "study" }));
        var versions = (await connection.QueryAsync<(long Version, string Name, long AppliedAt)>("SELECT version, name, applied_at FROM schema_version")).ToList();
        Assert.That(versions.Select(v => v.Version), Is.EqualTo(applied.Select(v => (long)v)));
        Assert.That(versions[0].Name, Is.EqualTo("0001_initial"));
        Assert.That(DateTimeOffset.FromUnixTimeMilliseconds(versions[0].AppliedAt), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
    }

    [Test]
    public async Task MigrateAsync_Reopened_AppliesNothing()
    {
        var path = _temp.Combine("index.db");
        await IndexMigrator.MigrateAsync(new SqliteIndexDatabase($"Data Source={path}"), CancellationToken.None);
        SqliteConnection.ClearAllPools();

        var database = new SqliteIndexDatabase($"Data Source={path}");
        var applied = await IndexMigrator.MigrateAsync(database, CancellationToken.None);

        Assert.That(applied, Is.Empty);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_version"), Is.EqualTo(IndexMigrator.Load(SqliteDialect.Instance).Count));
    }

    [Test]
    public async Task MigrateAsync_ConcurrentStartUp_AppliesEachScriptOnce()
    {
        var path = _temp.Combine("index.db");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            IndexMigrator.MigrateAsync(new SqliteIndexDatabase($"Data Source={path}"), CancellationToken.None))));

        var expected = IndexMigrator.Load(SqliteDialect.Instance).Select(m => m.Version);
        Assert.That(runs.SelectMany(r => r).Order(), Is.EqualTo(expected));
    }

    [Test]
    public async Task MigrateAsync_IndexOfTheFirstVersion_ExistingInstancesEnterTheChangeLogInStoredOrder()
    {
        var database = new SqliteIndexDatabase($"Data Source={_temp.Combine("index.db")}");
        var first = IndexMigrator.Load(SqliteDialect.Instance)[0];
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(SqliteDialect.Instance.CreateSchemaVersionTable);
            await connection.ExecuteAsync(first.Sql());
            await connection.ExecuteAsync("INSERT INTO schema_version VALUES (1, '0001_initial', 0)");
            await connection.ExecuteAsync("INSERT INTO study (id, study_instance_uid, created_at, updated_at) VALUES (1, '1.1', 0, 0)");
            await connection.ExecuteAsync("INSERT INTO series (id, study_id, series_instance_uid, created_at) VALUES (1, 1, '1.1.1', 0)");
            foreach (var (id, sop) in new[] { (5, "1.1.1.9"), (2, "1.1.1.3"), (7, "1.1.1.1") })
            {
                await connection.ExecuteAsync(
                    "INSERT INTO instance (id, series_id, sop_instance_uid, sop_class_uid, transfer_syntax_uid, size, sha256, blob_key, tier, metadata, created_at) " +
                    "VALUES (@Id, 1, @Sop, '1.2', '1.2.840.10008.1.2.1', 1, x'00', 'k' || @Id, 'hot', x'00', @Id)", new { Id = id, Sop = sop });
            }
        }

        var applied = await IndexMigrator.MigrateAsync(database, CancellationToken.None);

        Assert.That(applied, Does.Contain(2));
        await using var check = await database.OpenAsync(CancellationToken.None);
        var instances = (await check.QueryAsync<(string Sop, long Sequence)>("SELECT sop_instance_uid, change_sequence FROM instance ORDER BY id")).ToList();
        Assert.That(instances.Select(i => i.Sop), Is.EqualTo(new[] { "1.1.1.3", "1.1.1.9", "1.1.1.1" }));
        Assert.That(instances.Select(i => i.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }), "numbered in the order they were stored");
        Assert.That(await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM change_log WHERE action = 'create' AND series_instance_uid = '1.1.1'"), Is.EqualTo(3));
    }
}
