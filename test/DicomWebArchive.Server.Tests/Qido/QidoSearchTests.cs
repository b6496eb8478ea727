using DicomWebArchive.Core;
using System.IO.Compression;
using System.Text;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;
using DicomWebArchive.Storage.Index;
using DicomWebArchive.Server.Qido;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Tests.Qido;

/// <summary>
/// Every PS3.4 matching rule against a real index of each database (IndexProviders) holding a corpus with known answers.
/// Results are compared as exact sets of patient IDs (studies) or UIDs, never counts.
/// </summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class QidoSearchTests(string provider)
{
    private static readonly QidoQueryParser Parser = new(defaultLimit: 1000, maxLimit: 1000, serviceBase: "http://test/dicomweb");
    private TestIndexDatabase? _database;
    private SqlIndexStore _index = null!;

    // Study n: (patient name, patient id, accession, study date, modalities by series)
    private static readonly (string Name, string Id, string? Accession, string? Date, string[] Modalities)[] Studies =
    [
        ("O'Brien^Mary", "P1", "ACC001", "20200115", ["CT", "PT"]),
        ("Dvořák^Zdeňka", "P2", "ACC002", "20201231", ["MR"]),
        ("MÜLLER^Hans", "P3", "ACC003", "20210101", ["CT"]),
        ("Mueller^Anna", "P4", "ACC_004", "20190301", ["US"]),
        ("山田^太郎=やまだ^たろう", "P5", "ACC%005", "20221010", ["CR"]),
        ("van der Berg^Jan", "X'Y", null, "19991231", ["SR"]),
        ("Smith^John", "P7", "ACC007", null, ["CT", "MR"]),
    ];

    [OneTimeSetUp]
    public async Task LoadCorpus()
    {
        _database = await TestIndexDatabase.CreateAsync(provider);
        _index = SqlIndexStore.Create(provider, _database.ConnectionString);
        await _index.InitializeAsync(CancellationToken.None);
        for (var s = 0; s < Studies.Length; s++)
        {
            var study = Studies[s];
            for (var se = 0; se < study.Modalities.Length; se++)
            {
                for (var i = 1; i <= 2; i++)
                {
                    var record = IndexRecords.Instance(s + 1, se + 1, i, study.Modalities[se]) with
                    {
                        PatientName = study.Name,
                        PatientId = study.Id,
                        AccessionNumber = study.Accession,
                        StudyDate = study.Date,
                        MetadataJson = Gzip($"{{\"00104000\":{{\"vr\":\"LT\",\"Value\":[\"comment {s + 1}\"]}}}}"),
                    };
                    var (result, _) = await _index.AddInstanceAsync(record, overwrite: false, ArchiveCaller.System, CancellationToken.None);
                    Assert.That(result, Is.EqualTo(AddInstanceResult.Added));
                }
            }
        }
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private static IEnumerable<TestCaseData> StudyCases()
    {
        TestCaseData Case(string query, params string[] patientIds) => new TestCaseData(query, patientIds).SetName($"Study: {query}");
        yield return Case("", "P1", "P2", "P3", "P4", "P5", "X'Y", "P7");
        yield return Case("PatientName=O'Brien*", "P1");
        yield return Case("PatientName=o'brien^mary", "P1");
        yield return Case("PatientName=dvořák*", "P2");
        yield return Case("PatientName=DVORAK^ZDENKA", "P2");
        yield return Case("PatientName=*ller*", "P3", "P4");
        yield return Case("PatientName=m?ller*", "P3");
        yield return Case("PatientName=müller*", "P3");
        yield return Case("PatientName=山田*", "P5");
        yield return Case("PatientName=*やまだ*", "P5");
        yield return Case("PatientName=dvor&fuzzymatching=true", "P2");
        yield return Case("PatientName=zde&fuzzymatching=true", "P2");
        yield return Case("PatientName=berg jan&fuzzymatching=true", "X'Y");
        yield return Case("PatientName=erg&fuzzymatching=true");
        yield return Case("PatientID=X'Y", "X'Y");
        yield return Case("00100020=P1", "P1");
        yield return Case("PatientID=p1");
        yield return Case("AccessionNumber=ACC_004", "P4");
        yield return Case("AccessionNumber=ACC?00*", "P4", "P5");
        yield return Case("AccessionNumber=ACC%*", "P5");
        yield return Case("AccessionNumber=acc001");
        yield return Case("AccessionNumber=\"\"&emptyvaluematching=true", "X'Y");
        yield return Case("StudyDate=20200101-20201231", "P1", "P2");
        yield return Case("StudyDate=20210101-", "P3", "P5");
        yield return Case("StudyDate=-19991231", "X'Y");
        yield return Case("StudyDate=20200115", "P1");
        yield return Case("StudyDate=\"\"&emptyvaluematching=true", "P7");
        yield return Case("ModalitiesInStudy=CT", "P1", "P3", "P7");
        yield return Case("ModalitiesInStudy=PT", "P1");
        yield return Case("ModalitiesInStudy=CT,MR", "P1", "P2", "P3", "P7");
        yield return Case("ModalitiesInStudy=CT\\MR&multiplevaluematching=true", "P7");
        yield return Case("ModalitiesInStudy=C*", "P1", "P3", "P5", "P7");
        yield return Case("StudyInstanceUID=1.2.826.0.1.3680043.10.1234.1.1,1.2.826.0.1.3680043.10.1234.1.2", "P1", "P2");
        yield return Case("PatientName=*r*&ModalitiesInStudy=CT&StudyDate=20200101-", "P1", "P3");
        yield return Case("PatientID=' OR 1=1 --");
        yield return Case("PatientName=%");
        yield return Case("PatientName=[a-z]*");
        yield return Case("PatientName=_*");
        yield return Case("StudyDescription=CT THORAX", "P1", "P2", "P3", "P4", "P5", "X'Y", "P7");
        yield return Case("StudyDescription=ct thorax");
    }

    [TestCaseSource(nameof(StudyCases))]
    public async Task SearchAsync_StudyLevel_ReturnsExactSet(string query, string[] expected)
    {
        var rows = await Search(QueryLevel.Study, null, null, query);
        Assert.That(rows.Select(r => (string)r.Columns["PatientID"]!), Is.EquivalentTo(expected));
    }

    /// <summary>Rare modalities drive from the series index, common ones walk studies; both plans give the same answer.</summary>
    [TestCase("ModalitiesInStudy=CT", "P1", "P3", "P7")]
    [TestCase("ModalitiesInStudy=CT,MR", "P1", "P2", "P3", "P7")]
    [TestCase("ModalitiesInStudy=CT\\MR&multiplevaluematching=true", "P7")]
    [TestCase("ModalitiesInStudy=OT")]
    [TestCase("ModalitiesInStudy=PT&StudyDate=20200101-", "P1")]
    public async Task Build_EitherModalityPlan_SameStudies(string query, params string[] expected)
    {
        var parsed = Parse(QueryLevel.Study, null, null, query);
        var probe = QidoSql.RareModalityProbe(parsed, _index.Dialect);
        await using var connection = await _database!.OpenAsync();
        if (probe is var (probeSql, probeParameters))
        {
            Assert.That(await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, probeSql, probeParameters), Is.LessThan(QidoSql.RareModalitySeries));
        }
        foreach (var rare in new[] { false, true })
        {
            var (sql, parameters) = QidoSql.Build(parsed, StudyAccess.All, _index.Dialect, rareModalities: rare);
            var ids = (await Dapper.SqlMapper.QueryAsync<string>(connection, $"SELECT \"PatientID\" FROM ({sql}) x", parameters)).ToList();
            Assert.That(ids, Is.EquivalentTo(expected), $"rareModalities={rare}: {sql}");
        }
    }

    /// <summary>
    /// Whether a modality is rare is counted once a minute, not on every search: a modality search is one round trip to
    /// the database. Lists a client invents on every request are not kept without bound.
    /// </summary>
    [Test]
    public async Task SearchAsync_Modality_RarityCountedOncePerLifetime()
    {
        var time = new ManualTime();
        var index = new SqlIndexStore(IndexDatabase.Create(provider, _database!.ConnectionString), time);
        var query = Parse(QueryLevel.Study, null, null, "ModalitiesInStudy=CT");

        var first = await index.SearchAsync(query, StudyAccess.All, CancellationToken.None);
        var counted = index.ModalityRarity("CT");
        time.Advance(SqlIndexStore.ModalityRarityLifetime / 2);
        var cached = await index.SearchAsync(query, StudyAccess.All, CancellationToken.None);
        var reused = index.ModalityRarity("CT");
        time.Advance(SqlIndexStore.ModalityRarityLifetime);
        var recounted = await index.SearchAsync(query, StudyAccess.All, CancellationToken.None);

        Assert.That(counted, Is.EqualTo((true, time.GetUtcNow() - SqlIndexStore.ModalityRarityLifetime * 1.5)));
        Assert.That(reused, Is.EqualTo(counted));
        Assert.That(index.ModalityRarity("CT"), Is.EqualTo((true, time.GetUtcNow())));
        Assert.That(new[] { first, cached, recounted }.Select(rows => rows.Select(r => (string)r.Columns["PatientID"]!)),
            Has.All.EquivalentTo(new[] { "P1", "P3", "P7" }));
        for (var i = 0; i < 1500; i++)
        {
            await index.SearchAsync(Parse(QueryLevel.Study, null, null, $"ModalitiesInStudy=X{i}"), StudyAccess.All, CancellationToken.None);
        }
        Assert.That(index.ModalityRarityEntriesKept, Is.LessThanOrEqualTo(1000));
    }

    [Test]
    public async Task SearchAsync_SeriesOfAllStudies_MatchesModality()
    {
        var rows = await Search(QueryLevel.Series, null, null, "Modality=MR");
        Assert.That(rows.Select(r => (string)r.Columns["PatientID"]!), Is.EquivalentTo(new[] { "P2", "P7" }));
        Assert.That(rows.Select(r => r.Columns["NumberOfSeriesRelatedInstances"]), Is.All.EqualTo(2L));
    }

    [Test]
    public async Task SearchAsync_SeriesOfOneStudy_ReturnsOnlyItsSeries()
    {
        var rows = await Search(QueryLevel.Series, IndexRecords.Uid("1", 1), null, "");
        Assert.That(rows.Select(r => (string)r.Columns["Modality"]!), Is.EquivalentTo(new[] { "CT", "PT" }));
    }

    [Test]
    public async Task SearchAsync_InstancesOfSeries_MatchesInstanceNumber()
    {
        var rows = await Search(QueryLevel.Instance, IndexRecords.Uid("1", 1), IndexRecords.Uid("2", 102), "InstanceNumber=2");
        Assert.That(rows.Select(r => (string)r.Columns["SOPInstanceUID"]!), Is.EqualTo(new[] { IndexRecords.Uid("3", 102_002) }));
    }

    [Test]
    public async Task SearchAsync_Pages_CoverEveryStudyOnce()
    {
        var seen = new List<string>();
        for (var offset = 0; offset < 9; offset += 3)
        {
            var rows = await Search(QueryLevel.Study, null, null, $"limit=3&offset={offset}");
            Assert.That(rows.Count, Is.LessThanOrEqualTo(3));
            seen.AddRange(rows.Select(r => (string)r.Columns["StudyInstanceUID"]!));
        }
        Assert.That(seen, Is.Unique.And.Count.EqualTo(Studies.Length));
    }

    [Test]
    public async Task SearchAsync_UnindexedIncludeField_AnsweredFromMetadata()
    {
        var query = Parse(QueryLevel.Instance, null, null, "PatientID=P2&includefield=PatientComments");
        var rows = await _index.SearchAsync(query, StudyAccess.All, CancellationToken.None);
        var json = Write(query, rows);
        Assert.That(json, Does.Contain("\"00104000\":{\"vr\":\"LT\",\"Value\":[\"comment 2\"]}"));
    }

    [Test]
    public async Task Write_StudyResults_CarryWhatOhifReads()
    {
        var query = Parse(QueryLevel.Study, null, null, "PatientID=P1");
        var json = Write(query, await _index.SearchAsync(query, StudyAccess.All, CancellationToken.None));
        foreach (var tag in new[] { "0020000D", "00080020", "00080030", "00080050", "00100020", "00100010", "00100030", "00201208", "00081030", "00080061", "00080090" })
        {
            Assert.That(json, Does.Contain($"\"{tag}\":"), tag);
        }
        Assert.That(json, Does.Contain("\"00080061\":{\"vr\":\"CS\",\"Value\":[\"CT\",\"PT\"]}"));
        Assert.That(json, Does.Contain("\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"O'Brien^Mary\"}]}"));
        Assert.That(json, Does.Contain("\"00201208\":{\"vr\":\"IS\",\"Value\":[4]}"));
        Assert.That(json, Does.Contain("\"00081190\":{\"vr\":\"UR\",\"Value\":[\"http://test/dicomweb/studies/" + IndexRecords.Uid("1", 1) + "\"]}"));
    }

    [Test]
    public async Task Write_IdeographicName_SplitsGroups()
    {
        var query = Parse(QueryLevel.Study, null, null, "PatientID=P5");
        var json = Write(query, await _index.SearchAsync(query, StudyAccess.All, CancellationToken.None));
        Assert.That(json, Does.Contain("{\"Alphabetic\":\"山田^太郎\",\"Ideographic\":\"やまだ^たろう\"}"));
    }

    private async Task<IReadOnlyList<QueryRow>> Search(QueryLevel level, string? study, string? series, string query) =>
        await _index.SearchAsync(Parse(level, study, series, query), StudyAccess.All, CancellationToken.None);

    private static SearchQuery Parse(QueryLevel level, string? study, string? series, string query)
    {
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => new KeyValuePair<string, StringValues>(p[0], p.Length > 1 ? p[1] : ""));
        return Parser.Parse(level, study, series, parameters, keyword => keyword == "PatientComments" ? new DicomTag(0x00104000) : null).Query;
    }

    private static string Write(SearchQuery query, IReadOnlyList<QueryRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            QidoResultWriter.Write(writer, query, rows, "http://test/dicomweb");
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }
}
