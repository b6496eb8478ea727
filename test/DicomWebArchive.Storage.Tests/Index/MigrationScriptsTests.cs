using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>The numbered scripts every dialect embeds: the same versions under the same names, split into batches.</summary>
public sealed class MigrationScriptsTests
{
    private static readonly ISqlDialect[] Dialects = [SqliteDialect.Instance, PostgreSqlDialect.Instance, SqlServerDialect.Instance];

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
    public void Load_EveryDialect_SameVersionsAndNamesAsSqlite()
    {
        var sqlite = IndexMigrator.Load(SqliteDialect.Instance).Select(m => m.Name).ToList();

        foreach (var dialect in Dialects)
        {
            Assert.That(IndexMigrator.Load(dialect).Select(m => m.Name), Is.EqualTo(sqlite), dialect.Name);
            Assert.That(IndexMigrator.LatestVersion(dialect), Is.EqualTo(IndexMigrator.Load(SqliteDialect.Instance)[^1].Version), dialect.Name);
        }
    }

    [Test]
    public void Load_DialectWithoutScripts_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => IndexMigrator.Load(new NoScriptsDialect()));

        Assert.That(error!.Message, Does.Contain("Oracle"));
    }

    [Test]
    public void Load_SqlServer_TextColumnsBinaryCollationAndKeysFitAnIndex()
    {
        var initial = IndexMigrator.Load(SqlServerDialect.Instance)[0].Sql();

        Assert.That(initial, Does.Not.Contain(" TEXT"), "TEXT is deprecated and cannot be indexed");
        var textColumns = initial.Split('\n').Where(l => l.Contains("NVARCHAR", StringComparison.Ordinal) && !l.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.That(textColumns, Is.Not.Empty.And.All.Contain("COLLATE Latin1_General_100_BIN2"));
    }

    [Test]
    public void Load_PostgreSql_TextColumnsInCollationC()
    {
        var scripts = IndexMigrator.Load(PostgreSqlDialect.Instance).Select(m => m.Sql());

        var textColumns = scripts.SelectMany(s => s.Split('\n')).Where(l => l.Contains(" TEXT", StringComparison.Ordinal) && !l.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.That(textColumns, Is.Not.Empty.And.All.Contain("TEXT COLLATE \"C\""));
    }

    [Test]
    public void Batches_GoLines_SplitThere()
    {
        var batches = IndexMigrator.Batches("CREATE TABLE a (x INT);\nGO\n  go  \nALTER TABLE a ADD y INT;\nGOOD_NAME;\n").ToList();

        Assert.That(batches.Select(b => b.Trim()), Is.EqualTo(new[] { "CREATE TABLE a (x INT);", "ALTER TABLE a ADD y INT;\nGOOD_NAME;" }));
    }

    private sealed class NoScriptsDialect : ISqlDialect
    {
        public string Name => "Oracle";
        public char ParameterPrefix => ':';
        public char LikeEscape => '\\';
        public string UtcNowMilliseconds => "0";
        public string CreateSchemaVersionTable => "";
        public string IdentityColumn(string name) => name;
        public string Paging(string limitParameter, string offsetParameter) => "";
        public string Upsert(string table, IReadOnlyList<string> columns, string keyColumn, IReadOnlyList<string> updateColumns) => "";
        public string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) => "";
        public string EscapeLike(string value) => value;
    }
}
