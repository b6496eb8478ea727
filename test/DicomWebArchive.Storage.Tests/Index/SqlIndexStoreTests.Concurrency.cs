using DicomWebArchive.Core;
using System.Collections.Concurrent;
using Dapper;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Index;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed partial class SqlIndexStoreTests
{
    [Test]
    public async Task AddInstanceAsync_EightWritersOverlappingStudies_AggregatesExactNoBusyErrors()
    {
        // 3 studies x 3 series x 12 instances; every instance is sent by two of the eight writers,
        // each writer through its own store on the same file, as separate processes would.
        const int studies = 3, seriesPerStudy = 3, instancesPerSeries = 12, writers = 8;
        var work = new List<InstanceRecord>();
        for (var st = 1; st <= studies; st++)
        {
            for (var se = 1; se <= seriesPerStudy; se++)
            {
                for (var i = 1; i <= instancesPerSeries; i++)
                {
                    work.Add(IndexRecords.Instance(st, se, i, se == 2 ? "MR" : "CT", se == 3 ? IndexRecords.SecondaryCaptureStorage : IndexRecords.CtImageStorage));
                }
            }
        }

        var results = new ConcurrentBag<AddInstanceResult>();
        var errors = new ConcurrentBag<Exception>();
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = SqlIndexStore.ForSqlite(_connectionString);
            start.Wait();
            // Writers w and w+4 send the same quarter of the work, in opposite orders.
            var mine = work.Where((_, n) => n % (writers / 2) == w % (writers / 2));
            foreach (var item in w < writers / 2 ? mine : mine.Reverse())
            {
                try
                {
                    results.Add((await store.AddInstanceAsync(item, overwrite: false, ArchiveCaller.System, CancellationToken.None)).Result);
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        Assert.That(errors, Is.Empty, () => string.Join(Environment.NewLine, errors.Select(e => e.Message)));
        Assert.That(results.Count(r => r == AddInstanceResult.Added), Is.EqualTo(work.Count));
        Assert.That(results.Count(r => r == AddInstanceResult.AlreadyStored), Is.EqualTo(work.Count));
        for (var st = 1; st <= studies; st++)
        {
            var study = await _store.GetStudyAsync(IndexRecords.Uid("1", st), StudyAccess.All, CancellationToken.None);
            Assert.That((study!.NumberOfStudyRelatedSeries, study.NumberOfStudyRelatedInstances), Is.EqualTo((seriesPerStudy, seriesPerStudy * instancesPerSeries)));
            Assert.That(study.ModalitiesInStudy, Is.EqualTo(new[] { "CT", "MR" }));
            Assert.That(study.SopClassesInStudy, Is.EqualTo(new[] { IndexRecords.CtImageStorage, IndexRecords.SecondaryCaptureStorage }));
            var series = await _store.ListSeriesAsync(study.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
            Assert.That(series.Select(s => s.NumberOfSeriesRelatedInstances), Is.All.EqualTo(instancesPerSeries));
        }

        await using var connection = new SqliteConnection(_connectionString);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instance"), Is.EqualTo(work.Count));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_event"), Is.EqualTo(2 * work.Count), "every store and every re-send recorded once");
    }
}
