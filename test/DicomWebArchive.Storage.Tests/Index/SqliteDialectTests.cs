using Dapper;
using DicomWebArchive.Storage.Index;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed class SqliteDialectTests
{
    private static readonly ISqlDialect Dialect = SqliteDialect.Instance;

    [Test]
    public void Name_Sqlite_NamesMigrationFolder() => Assert.That(Dialect.Name, Is.EqualTo("Sqlite"));

    [Test]
    public void Parameter_Name_PrefixedWithAt() => Assert.That(Dialect.Parameter("StudyInstanceUid"), Is.EqualTo("@StudyInstanceUid"));

    [Test]
    public void Paging_LimitAndOffset_LimitOffsetClause() =>
        Assert.That(Dialect.Paging("Limit", "Offset"), Is.EqualTo("LIMIT @Limit OFFSET @Offset"));

    [Test]
    public void Upsert_NoUpdateColumns_OnConflictDoNothing() =>
        Assert.That(Dialect.Upsert("study", ["study_instance_uid", "patient_name"], "study_instance_uid", []), Is.EqualTo(
            "INSERT INTO study (study_instance_uid, patient_name) VALUES (@StudyInstanceUid, @PatientName) ON CONFLICT (study_instance_uid) DO NOTHING"));

    [Test]
    public void Upsert_UpdateColumns_OnConflictDoUpdateFromExcluded() =>
        Assert.That(Dialect.Upsert("t", ["k", "a", "b"], "k", ["a", "b"]), Is.EqualTo(
            "INSERT INTO t (k, a, b) VALUES (@K, @A, @B) ON CONFLICT (k) DO UPDATE SET a = excluded.a, b = excluded.b"));

    [Test]
    public void InsertReturningId_Columns_Returning() =>
        Assert.That(Dialect.InsertReturningId("series", ["study_id", "modality"], "id"), Is.EqualTo(
            "INSERT INTO series (study_id, modality) VALUES (@StudyId, @Modality) RETURNING id"));

    [Test]
    public void Like_ColumnAndParameter_NamesEscapeCharacter() =>
        Assert.That(Dialect.Like("patient_name_normalized", "Pattern"), Is.EqualTo("patient_name_normalized LIKE @Pattern ESCAPE '\\'"));

    [TestCase("O'BRIEN", "O'BRIEN")]
    [TestCase("100%", "100\\%")]
    [TestCase("A_B", "A\\_B")]
    [TestCase("C:\\X", "C:\\\\X")]
    public void EscapeLike_Wildcards_Escaped(string value, string expected) => Assert.That(Dialect.EscapeLike(value), Is.EqualTo(expected));

    [Test]
    public void IdentityColumn_Name_RowidAlias() => Assert.That(Dialect.IdentityColumn("id"), Is.EqualTo("id INTEGER PRIMARY KEY"));

    [Test]
    public async Task UpsertAndInsertReturningId_OnSqlite_BehaveAsDocumented()
    {
        await using var connection = await OpenAsync();
        await connection.ExecuteAsync($"CREATE TABLE t ({Dialect.IdentityColumn("id")}, k TEXT NOT NULL UNIQUE, a TEXT)");

        var first = await connection.ExecuteScalarAsync<long>(Dialect.InsertReturningId("t", ["k", "a"], "id"), new { K = "x", A = "1" });
        var second = await connection.ExecuteScalarAsync<long>(Dialect.InsertReturningId("t", ["k", "a"], "id"), new { K = "y", A = "1" });
        var ignored = await connection.ExecuteAsync(Dialect.Upsert("t", ["k", "a"], "k", []), new { K = "x", A = "2" });
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT a FROM t WHERE k = 'x'"), Is.EqualTo("1"));
        await connection.ExecuteAsync(Dialect.Upsert("t", ["k", "a"], "k", ["a"]), new { K = "x", A = "3" });

        Assert.That(second, Is.EqualTo(first + 1));
        Assert.That(ignored, Is.Zero);
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT a FROM t WHERE k = 'x'"), Is.EqualTo("3"));
    }

    [Test]
    public async Task LikeWithEscapedValue_OnSqlite_WildcardsMatchThemselves()
    {
        await using var connection = await OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE t (v TEXT)");
        await connection.ExecuteAsync("INSERT INTO t (v) VALUES ('100%'), ('1000'), ('A_B'), ('AXB')");

        var percent = await connection.QueryAsync<string>($"SELECT v FROM t WHERE {Dialect.Like("v", "P")}", new { P = Dialect.EscapeLike("100%") });
        var underscore = await connection.QueryAsync<string>($"SELECT v FROM t WHERE {Dialect.Like("v", "P")}", new { P = Dialect.EscapeLike("A_") + "%" });

        Assert.That(percent, Is.EqualTo(new[] { "100%" }));
        Assert.That(underscore, Is.EqualTo(new[] { "A_B" }));
    }

    [Test]
    public async Task UtcNowMilliseconds_OnSqlite_CurrentUnixMilliseconds()
    {
        await using var connection = await OpenAsync();

        var now = await connection.ExecuteScalarAsync<long>($"SELECT {Dialect.UtcNowMilliseconds}");

        Assert.That(DateTimeOffset.FromUnixTimeMilliseconds(now), Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task PagingAndSchemaVersionTable_OnSqlite_Run()
    {
        await using var connection = await OpenAsync();
        await connection.ExecuteAsync(Dialect.CreateSchemaVersionTable);
        await connection.ExecuteAsync(Dialect.CreateSchemaVersionTable);
        await connection.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (1, 'a', 0), (2, 'b', 0), (3, 'c', 0)");

        var page = await connection.QueryAsync<long>($"SELECT version FROM schema_version ORDER BY version {Dialect.Paging("Limit", "Offset")}", new { Limit = 1, Offset = 1 });

        Assert.That(page, Is.EqualTo(new[] { 2L }));
    }

    private static async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        return connection;
    }
}
