using DicomWebArchive.Cli.Query;

namespace DicomWebArchive.Cli.Tests.Query;

public sealed class QueryPathTests
{
    [Test]
    public void Path_StudyLevelWithKeys_PutsEveryKeyInTheQuery()
    {
        var settings = new QuerySettings { PatientName = "o'brien*", StudyDate = "20240101-", Modality = "CT", StudyUid = "1.2.3", Limit = 5 };

        Assert.That(QueryCommand.Path(settings), Is.EqualTo(
            "/studies?StudyInstanceUID=1.2.3&PatientName=o%27brien*&StudyDate=20240101-&ModalitiesInStudy=CT&limit=5"
            + "&includefield=00100010,00100020,00080020,00080050,00080061,00081030,00201206,00201208,0020000D"));
    }

    [Test]
    public void Path_InstancesOfASeries_PutsBothUidsInThePath()
    {
        var settings = new QuerySettings { Level = "instance", StudyUid = "1.2.3", SeriesUid = "1.2" };

        Assert.That(QueryCommand.Path(settings), Does.StartWith("/studies/1.2.3/series/1.2/instances?includefield="));
    }

    [Test]
    public void Path_SeriesOfAStudyFilteredBySeriesUid_KeepsTheSeriesKey()
    {
        var settings = new QuerySettings { Level = "series", StudyUid = "1.2.3", SeriesUid = "1.2", Modality = "MR" };

        Assert.That(QueryCommand.Path(settings), Does.StartWith("/studies/1.2.3/series?SeriesInstanceUID=1.2&Modality=MR&"));
    }
}
