namespace DicomWebArchive.Server.Tests.Support;

internal static class AggregateChecks
{
    /// <summary>Every study's and series' stored counts equal the rows that are really there.</summary>
    public static void AssertAggregatesMatchRows(this ArchiveInspector archive)
    {
        var studies = archive.Query<(string, long, long, long, long)>(
            "SELECT st.study_instance_uid, st.number_of_instances, st.number_of_series, " +
            "(SELECT COUNT(*) FROM instance i JOIN series se ON se.id = i.series_id WHERE se.study_id = st.id), " +
            "(SELECT COUNT(*) FROM series se WHERE se.study_id = st.id) FROM study st");
        foreach (var (uid, instances, series, realInstances, realSeries) in studies)
        {
            Assert.That((instances, series), Is.EqualTo((realInstances, realSeries)), $"study {uid} aggregates");
        }
        var seriesRows = archive.Query<(string, long, long)>(
            "SELECT se.series_instance_uid, se.number_of_instances, (SELECT COUNT(*) FROM instance i WHERE i.series_id = se.id) FROM series se");
        foreach (var (uid, instances, realInstances) in seriesRows)
        {
            Assert.That(instances, Is.EqualTo(realInstances), $"series {uid} aggregate");
        }
    }
}
