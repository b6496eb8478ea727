using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>
/// What the SQL Server dialect generates, as text: no SQL Server can run on these machines. The integration suite runs
/// the same statements on a real server wherever DWA_TEST_SQLSERVER names one, and reports itself skipped otherwise.
/// </summary>
public sealed class SqlServerDialectTests
{
    private static readonly ISqlDialect Dialect = SqlServerDialect.Instance;

    [Test]
    public void Name_SqlServer_NamesMigrationFolder() => Assert.That(Dialect.Name, Is.EqualTo("SqlServer"));

    [Test]
    public void Parameter_Name_PrefixedWithAt() => Assert.That(Dialect.Parameter("PatientId"), Is.EqualTo("@PatientId"));

    [Test]
    public void Paging_LimitAndOffset_OffsetFetch() =>
        Assert.That(Dialect.Paging("Limit", "Offset"), Is.EqualTo("OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY"));

    [Test]
    public void Upsert_NoUpdateColumns_MergeInsertOnly() =>
        Assert.That(Dialect.Upsert("series", ["series_instance_uid", "modality"], "series_instance_uid", []), Is.EqualTo(
            "MERGE INTO series WITH (HOLDLOCK) AS target USING (SELECT @SeriesInstanceUid AS series_instance_uid, @Modality AS modality) AS source " +
            "ON target.series_instance_uid = source.series_instance_uid " +
            "WHEN NOT MATCHED THEN INSERT (series_instance_uid, modality) VALUES (source.series_instance_uid, source.modality);"));

    [Test]
    public void Upsert_UpdateColumns_MergeWithMatchedUpdate() =>
        Assert.That(Dialect.Upsert("t", ["k", "a"], "k", ["a"]), Is.EqualTo(
            "MERGE INTO t WITH (HOLDLOCK) AS target USING (SELECT @K AS k, @A AS a) AS source ON target.k = source.k " +
            "WHEN MATCHED THEN UPDATE SET a = source.a WHEN NOT MATCHED THEN INSERT (k, a) VALUES (source.k, source.a);"));

    [Test]
    public void InsertReturningId_Columns_OutputInserted() =>
        Assert.That(Dialect.InsertReturningId("instance", ["series_id", "blob_key"], "id"), Is.EqualTo(
            "INSERT INTO instance (series_id, blob_key) OUTPUT INSERTED.id VALUES (@SeriesId, @BlobKey)"));

    [Test]
    public void Like_ColumnAndParameter_NamesEscapeCharacter() =>
        Assert.That(Dialect.Like("accession_number", "P"), Is.EqualTo("accession_number LIKE @P ESCAPE '\\'"));

    [TestCase("100%_[x]\\", "100\\%\\_\\[x]\\\\")]
    [TestCase("O'BRIEN", "O'BRIEN")]
    public void EscapeLike_WildcardsAndCharacterClass_Escaped(string value, string expected) => Assert.That(Dialect.EscapeLike(value), Is.EqualTo(expected));

    [Test]
    public void IdentityColumn_Name_Identity() => Assert.That(Dialect.IdentityColumn("id"), Is.EqualTo("id BIGINT IDENTITY(1,1) PRIMARY KEY"));

    [Test]
    public void UtcNowMilliseconds_Expression_DateDiffBig() =>
        Assert.That(Dialect.UtcNowMilliseconds, Is.EqualTo("DATEDIFF_BIG(millisecond, '1970-01-01', SYSUTCDATETIME())"));

    [Test]
    public void CreateSchemaVersionTable_Statement_GuardedByObjectId() =>
        Assert.That(Dialect.CreateSchemaVersionTable, Does.StartWith("IF OBJECT_ID(N'schema_version', N'U') IS NULL CREATE TABLE schema_version"));

    [Test]
    public void Description_ConnectionStringWithPassword_NamesServerAndDatabaseOnly()
    {
        var database = new SqlServerIndexDatabase("Server=db.example,1433;Database=dicom;User ID=archive;Password=hunter2;Encrypt=True");

        Assert.That(database.Description, Is.EqualTo("SQL Server index db.example,1433/dicom"));
    }

    [Test]
    public void Paging_QidoStatement_OrderByComesFirst()
    {
        var (sql, _) = QidoSql.Build(new DicomWebArchive.Core.Query.SearchQuery { Level = DicomWebArchive.Core.Query.QueryLevel.Series, Limit = 5 },
            DicomWebArchive.Core.StudyAccess.All, Dialect);

        Assert.That(sql, Does.EndWith("ORDER BY se.id OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY"));
    }
}
