using Dapper;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>
/// What the PostgreSQL dialect generates, as text; the integration suite (SqlIndexStoreTests, QidoSearchTests...) runs the
/// same statements on a real server wherever DWA_TEST_POSTGRES names one, as test/run.sh does.
/// </summary>
public sealed class PostgreSqlDialectTests
{
    private static readonly ISqlDialect Dialect = PostgreSqlDialect.Instance;

    [Test]
    public void Name_PostgreSql_NamesMigrationFolder() => Assert.That(Dialect.Name, Is.EqualTo("PostgreSql"));

    [Test]
    public void Parameter_Name_PrefixedWithAt() => Assert.That(Dialect.Parameter("PatientId"), Is.EqualTo("@PatientId"));

    [Test]
    public void Paging_LimitAndOffset_LimitOffsetClause() =>
        Assert.That(Dialect.Paging("Limit", "Offset"), Is.EqualTo("LIMIT @Limit OFFSET @Offset"));

    [Test]
    public void Upsert_NoUpdateColumns_OnConflictDoNothing() =>
        Assert.That(Dialect.Upsert("series", ["series_instance_uid", "modality"], "series_instance_uid", []), Is.EqualTo(
            "INSERT INTO series (series_instance_uid, modality) VALUES (@SeriesInstanceUid, @Modality) ON CONFLICT (series_instance_uid) DO NOTHING"));

    [Test]
    public void Upsert_UpdateColumns_OnConflictDoUpdateFromExcluded() =>
        Assert.That(Dialect.Upsert("t", ["k", "a"], "k", ["a"]), Is.EqualTo(
            "INSERT INTO t (k, a) VALUES (@K, @A) ON CONFLICT (k) DO UPDATE SET a = EXCLUDED.a"));

    [Test]
    public void InsertReturningId_Columns_Returning() =>
        Assert.That(Dialect.InsertReturningId("instance", ["series_id", "blob_key"], "id"), Is.EqualTo(
            "INSERT INTO instance (series_id, blob_key) VALUES (@SeriesId, @BlobKey) RETURNING id"));

    [Test]
    public void Like_ColumnAndParameter_NamesEscapeCharacter() =>
        Assert.That(Dialect.Like("accession_number", "P"), Is.EqualTo("accession_number LIKE @P ESCAPE '\\'"));

    [TestCase("100%_[x]\\", "100\\%\\_[x]\\\\")]
    [TestCase("O'BRIEN", "O'BRIEN")]
    public void EscapeLike_Wildcards_Escaped(string value, string expected) => Assert.That(Dialect.EscapeLike(value), Is.EqualTo(expected));

    [Test]
    public void IdentityColumn_Name_GeneratedIdentity() =>
        Assert.That(Dialect.IdentityColumn("id"), Is.EqualTo("id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"));

    [Test]
    public void UtcNowMilliseconds_Expression_EpochOfNow() =>
        Assert.That(Dialect.UtcNowMilliseconds, Is.EqualTo("CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)"));

    [Test]
    public void CreateSchemaVersionTable_Statement_IfNotExists() =>
        Assert.That(Dialect.CreateSchemaVersionTable, Does.StartWith("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY"));

    [Test]
    public void Description_ConnectionStringWithPassword_NamesHostAndDatabaseOnly()
    {
        var database = new PostgreSqlIndexDatabase("Host=db.example;Port=5433;Database=dicom;Username=archive;Password=hunter2");

        Assert.That(database.Description, Is.EqualTo("PostgreSQL index db.example:5433/dicom"));
    }

    [Test]
    public async Task OpenAsync_StatementRunTwice_IsPreparedOnTheServer()
    {
        await using var server = await TestIndexDatabase.CreateAsync(IndexProviders.PostgreSql);
        var database = new PostgreSqlIndexDatabase(server.ConnectionString);

        await using var connection = await database.OpenAsync(CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            await connection.ExecuteScalarAsync<int>("SELECT @value + 1 AS prepared_probe", new { value = i });
        }
        long prepared = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%prepared_probe%' AND statement NOT LIKE '%pg_prepared_statements%'");

        Assert.That(prepared, Is.EqualTo(1), "planned once, then run from the prepared statement");
    }

    [Test]
    public void LockKey_Names_SameNameSameKeyOtherNameOther()
    {
        Assert.That(PostgreSqlIndexDatabase.LockKey("study:1.2.3"), Is.EqualTo(PostgreSqlIndexDatabase.LockKey("study:1.2.3")));
        Assert.That(PostgreSqlIndexDatabase.LockKey("study:1.2.3"), Is.Not.EqualTo(PostgreSqlIndexDatabase.LockKey("study:1.2.4")));
    }
}
