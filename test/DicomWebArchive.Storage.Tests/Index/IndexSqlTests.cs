using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed class IndexSqlTests
{
    private static readonly Dictionary<string, ISqlDialect> Dialects = new[] { SqliteDialect.Instance, PostgreSqlDialect.Instance, (ISqlDialect)SqlServerDialect.Instance }
        .ToDictionary(d => d.Name);

    [TestCase("Sqlite")]
    [TestCase("PostgreSql")]
    [TestCase("SqlServer")]
    public void Constructor_Dialect_UpsertsAndStampsThroughIt(string name)
    {
        var dialect = Dialects[name];
        var sql = new IndexSql(dialect);

        Assert.That(sql.InsertStudy, Is.EqualTo(dialect.Upsert("study", Columns(sql.InsertStudy), "study_instance_uid", [])));
        Assert.That(sql.InsertInstance, Does.Contain("@Sha256").And.Contain("@Metadata"));
        Assert.That(sql.InsertAudit, Does.StartWith("INSERT INTO audit_event (").And.Contain("@PreviousHash, @Hash)"));
        Assert.That(sql.LastAuditHash, Does.Contain("ORDER BY sequence DESC"));
    }

    [Test]
    public void Constructor_Sqlite_InstanceInsertReturnsId() =>
        Assert.That(new IndexSql(SqliteDialect.Instance).InsertInstance, Does.StartWith("INSERT INTO instance (series_id, sop_instance_uid,").And.EndWith("RETURNING id"));

    private static string[] Columns(string upsert)
    {
        var open = upsert.IndexOf("INSERT (", StringComparison.Ordinal) is var merge and >= 0 ? merge + 8 : upsert.IndexOf('(', StringComparison.Ordinal) + 1;
        return upsert[open..upsert.IndexOf(')', open)].Split(", ");
    }
}
