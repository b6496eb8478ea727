using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Query;

/// <summary>The QIDO SELECT in each dialect; SQLite runs it in <see cref="QidoSearchTests"/>, the others are checked as text here.</summary>
public sealed class QidoSqlTests
{
    /// <summary>OHIF's study list: PatientName=*o'b[r]_en%*&amp;ModalitiesInStudy=CT&amp;StudyDate=20200101-20201231&amp;limit=101.</summary>
    private static SearchQuery Ohif() => new()
    {
        Level = QueryLevel.Study,
        Limit = 101,
        Matches =
        [
            new WildcardMatch(QueryAttributes.PatientName, "*o'b[r]_en%*"),
            new SingleValueMatch(QueryAttributes.ModalitiesInStudy, "CT"),
            new RangeMatch(QueryAttributes.StudyDate, "20200101", "20201231"),
        ],
    };

    [Test]
    public void Build_SqlServer_PagesWithOffsetFetchAndEscapesLikeBrackets()
    {
        var (sql, parameters) = QidoSql.Build(Ohif(), StudyAccess.All, SqlServerDialect.Instance);
        Assert.That(sql, Does.EndWith("ORDER BY st.id DESC OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY"));
        Assert.That(sql, Does.Contain("st.patient_name_normalized LIKE @p0 ESCAPE '\\'"));
        Assert.That(parameters.Get<string>("p0"), Is.EqualTo("%O'B\\[R]\\_EN\\%%"));
        Assert.That(sql, Does.Contain("EXISTS (SELECT 1 FROM series xs WHERE xs.study_id = st.id AND xs.modality = @p1)"));
        Assert.That(sql, Does.Contain("st.study_date >= @p2 AND st.study_date <= @p3"));
        Assert.That(sql, Does.Not.Contain("O'B"), "values travel only as parameters");
    }

    [Test]
    public void Build_PostgreSql_PagesWithLimitOffsetAndKeepsBrackets()
    {
        var (sql, parameters) = QidoSql.Build(Ohif(), StudyAccess.All, PostgreSqlDialect.Instance);
        Assert.That(sql, Does.EndWith("ORDER BY st.id DESC LIMIT @limit OFFSET @offset"));
        Assert.That(parameters.Get<string>("p0"), Is.EqualTo("%O'B[R]\\_EN\\%%"));
    }

    [Test]
    public void Build_RareModality_DrivesFromSeriesIndex()
    {
        var (sql, _) = QidoSql.Build(Ohif(), StudyAccess.All, SqlServerDialect.Instance, rareModalities: true);
        Assert.That(sql, Does.Contain("st.id IN (SELECT xs.study_id FROM series xs WHERE xs.modality IN (@p1))"));
    }

    [Test]
    public void RareModalityProbe_SqlServer_OrdersBeforeFetch()
    {
        var (sql, parameters) = QidoSql.RareModalityProbe(Ohif(), SqlServerDialect.Instance)!.Value;
        Assert.That(sql, Is.EqualTo("SELECT COUNT(*) FROM (SELECT 1 AS one FROM series WHERE modality IN (@p0) ORDER BY modality OFFSET @zero ROWS FETCH NEXT @probe ROWS ONLY) x"));
        Assert.That(parameters.Get<int>("probe"), Is.EqualTo(QidoSql.RareModalitySeries));
    }

    [Test]
    public void Build_AccessFilter_ConditionOnStudyWithParameters()
    {
        var access = StudyAccess.OnlyKeys("North", "South") with { StudyInstanceUids = ["1.2.3"] };

        var (sql, parameters) = QidoSql.Build(Ohif(), access, PostgreSqlDialect.Instance);

        Assert.That(sql, Does.Contain("(st.study_instance_uid IN (@access_study0) AND st.access_key IN (@access_key0, @access_key1))"));
        Assert.That((parameters.Get<string>("access_study0"), parameters.Get<string>("access_key1")), Is.EqualTo(("1.2.3", "South")));
    }

    [Test]
    public void Build_AccessToNoStudy_MatchesNothing()
    {
        var (sql, _) = QidoSql.Build(Ohif(), StudyAccess.OnlyStudies(), SqliteDialect.Instance);

        Assert.That(sql, Does.Contain("(1 = 0)"));
    }
}
