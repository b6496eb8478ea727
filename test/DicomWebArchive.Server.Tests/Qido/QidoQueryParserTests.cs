using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Qido;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Tests.Qido;

public sealed class QidoQueryParserTests
{
    private static readonly QidoQueryParser Parser = new(defaultLimit: 100, maxLimit: 1000, serviceBase: "http://localhost/dicomweb");

    private static SearchQuery Parse(QueryLevel level, params (string Key, string Value)[] parameters) => ParseRequest(level, parameters).Query;

    private static QidoRequest ParseRequest(QueryLevel level, params (string Key, string Value)[] parameters) =>
        Parser.Parse(level, null, null, parameters.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)),
            keyword => keyword == "PatientComments" ? new DicomTag(0x00104000) : null);

    [Test]
    public void Parse_OhifStudyList_ClassifiesEveryKey()
    {
        var (query, warnings) = ParseRequest(QueryLevel.Study,
            ("PatientName", "*x*"), ("00100020", "*y*"), ("AccessionNumber", "*z*"), ("StudyDescription", "*d*"),
            ("ModalitiesInStudy", "CT"), ("StudyDate", "20200101-20201231"), ("limit", "101"), ("offset", "0"),
            ("fuzzymatching", "false"), ("includefield", "00081030,00080060,00080090,00100030"));

        Assert.That(query.Matches, Has.Count.EqualTo(6));
        Assert.That(query.Matches[0], Is.EqualTo(new WildcardMatch(QueryAttributes.PatientName, "*x*")));
        Assert.That(query.Matches[1], Is.EqualTo(new WildcardMatch(QueryAttributes.PatientId, "*y*")));
        Assert.That(query.Matches[4], Is.EqualTo(new SingleValueMatch(QueryAttributes.ModalitiesInStudy, "CT")));
        Assert.That(query.Matches[5], Is.EqualTo(new RangeMatch(QueryAttributes.StudyDate, "20200101", "20201231")));
        Assert.That(query.Limit, Is.EqualTo(101));
        Assert.That(query.IncludeFields, Does.Contain(DicomTags.Modality).And.Contain(DicomTags.PatientBirthDate));
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("20200101-", "20200101", null)]
    [TestCase("-20201231", null, "20201231")]
    public void Parse_OpenRange_KeepsOneBound(string value, string? from, string? to) =>
        Assert.That(Parse(QueryLevel.Study, ("StudyDate", value)).Matches.Single(), Is.EqualTo(new RangeMatch(QueryAttributes.StudyDate, from, to)));

    [TestCase("StudyDate", "2020-01-01")]
    [TestCase("StudyDate", "20201301")]
    [TestCase("StudyDate", "20201231-20200101")]
    [TestCase("StudyDate", "-")]
    [TestCase("StudyTime", "2500")]
    [TestCase("StudyInstanceUID", "1.2.abc")]
    [TestCase("StudyInstanceUID", "../../etc/passwd")]
    [TestCase("StudyInstanceUID", "1..2")]
    [TestCase("SeriesNumber", "x")]
    [TestCase("limit", "-1")]
    [TestCase("limit", "0")]
    [TestCase("offset", "-5")]
    [TestCase("fuzzymatching", "maybe")]
    [TestCase("NoSuchKeyword", "1")]
    [TestCase("includefield", "NoSuchKeyword")]
    [TestCase("PatientName", "\"\"")]
    [TestCase("ReferencedSeriesSequence.SeriesInstanceUID", "1.2")]
    public void Parse_BadParameter_ThrowsNamingIt(string key, string value)
    {
        var error = Assert.Throws<QueryException>(() => Parse(QueryLevel.Series, (key, value)));
        Assert.That(error!.Message, Does.Contain(key.Split('.')[0]).Or.Contain(value.Trim('"')));
    }

    [Test]
    public void Parse_InstanceKeyInStudySearch_Throws() =>
        Assert.Throws<QueryException>(() => Parse(QueryLevel.Study, ("SOPInstanceUID", "1.2.3")));

    [Test]
    public void Parse_LimitAboveMaximum_CapsWithWarning()
    {
        var (query, warnings) = ParseRequest(QueryLevel.Study, ("limit", "1000000"));
        Assert.That(query.Limit, Is.EqualTo(1000));
        Assert.That(warnings.Single(), Does.StartWith("299 http://localhost/dicomweb: "));
    }

    [Test]
    public void Parse_HugeOffset_IsCapped() =>
        Assert.That(Parse(QueryLevel.Study, ("offset", "99999999999999")).Offset, Is.EqualTo(int.MaxValue));

    [Test]
    public void Parse_UidListWithCommaOrBackslash_IsValueList()
    {
        Assert.That(Parse(QueryLevel.Study, ("StudyInstanceUID", "1.2.3,1.2.4")).Matches.Single(),
            Is.TypeOf<ValueListMatch>().With.Property(nameof(ValueListMatch.Values)).EqualTo(new[] { "1.2.3", "1.2.4" }));
        Assert.That(Parse(QueryLevel.Study, ("0020000D", @"1.2.3\1.2.4")).Matches.Single(), Is.TypeOf<ValueListMatch>());
    }

    /// <summary>Such UIDs are stored (with a warning) as older vendors write them, so they must be found by them.</summary>
    [Test]
    public void Parse_UidWithLeadingZeros_MatchesThatText() =>
        Assert.That(Parse(QueryLevel.Study, ("StudyInstanceUID", "1.2.246.352.91.0000217.2005")).Matches.Single(),
            Is.EqualTo(new SingleValueMatch(QueryAttributes.StudyInstanceUid, "1.2.246.352.91.0000217.2005")));

    [Test]
    public void Parse_ModalityList_AnyOfUnlessMultipleValueMatching()
    {
        Assert.That(Parse(QueryLevel.Study, ("ModalitiesInStudy", "CT,MR")).Matches.Single(), Is.TypeOf<ValueListMatch>());
        Assert.That(Parse(QueryLevel.Study, ("ModalitiesInStudy", "CT,MR"), ("multiplevaluematching", "true")).Matches.Single(), Is.TypeOf<AllValuesMatch>());
    }

    [Test]
    public void Parse_DescriptionWithComma_IsOneValue() =>
        Assert.That(Parse(QueryLevel.Study, ("StudyDescription", "HEAD, NECK")).Matches.Single(), Is.EqualTo(new SingleValueMatch(QueryAttributes.StudyDescription, "HEAD, NECK")));

    [Test]
    public void Parse_LoneStar_IsUniversal() =>
        Assert.That(Parse(QueryLevel.Study, ("PatientName", "*")).Matches, Is.Empty);

    [Test]
    public void Parse_FuzzyName_SplitsWords() =>
        Assert.That(Parse(QueryLevel.Study, ("PatientName", "dvor zde*"), ("fuzzymatching", "true")).Matches.Single(),
            Is.TypeOf<FuzzyNameMatch>().With.Property(nameof(FuzzyNameMatch.Words)).EqualTo(new[] { "dvor", "zde" }));

    [Test]
    public void Parse_EmptyValueMatching_WhenEnabled() =>
        Assert.That(Parse(QueryLevel.Study, ("AccessionNumber", "\"\""), ("emptyvaluematching", "true")).Matches.Single(), Is.TypeOf<EmptyValueMatch>());

    [Test]
    public void Parse_UnindexedAttribute_IgnoredWithWarningAndReturned()
    {
        var (query, warnings) = ParseRequest(QueryLevel.Instance, ("PatientComments", "x"));
        Assert.That(query.Matches, Is.Empty);
        Assert.That(query.IncludeFields, Does.Contain(new DicomTag(0x00104000)));
        Assert.That(warnings.Single(), Does.Contain("PatientComments"));
    }

    [Test]
    public void Parse_HostileCharacters_AreKeptAsValues()
    {
        var query = Parse(QueryLevel.Study, ("PatientID", "' OR 1=1 --%_["));
        Assert.That(query.Matches.Single(), Is.EqualTo(new SingleValueMatch(QueryAttributes.PatientId, "' OR 1=1 --%_[")));
    }

    [Test]
    public void Parse_TenThousandCharacterValue_Throws() =>
        Assert.Throws<QueryException>(() => Parse(QueryLevel.Study, ("PatientName", new string('a', 10_000))));
}
