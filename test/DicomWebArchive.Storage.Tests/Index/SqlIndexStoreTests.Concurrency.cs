using DicomWebArchive.Core;
using System.Collections.Concurrent;
using Dapper;
using DicomWebArchive.Core.Index;

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
            var store = NewStore();
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

        await using var connection = await _database.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM instance"), Is.EqualTo(work.Count));
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_event"), Is.EqualTo(2 * work.Count), "every store and every re-send recorded once");
    }

    [Test]
    public async Task AddInstanceAsync_FourWritersSameStudies_ChangeSequencesInCommitOrderAndAggregatesExact()
    {
        // Four writers, each through its own store as replicas would, add distinct instances of the same two studies while
        // a reader pages the change log by "sequence > last seen": a number committed below one it already passed would
        // be missed for good, so what it saw must be the whole log, in order.
        const int writers = 4, perWriter = 30;
        var finished = 0;
        var seen = new List<long>();
        using var start = new ManualResetEventSlim();
        var reader = Task.Run(async () =>
        {
            await using var connection = await _database.OpenAsync();
            long last = 0;
            while (true)
            {
                var complete = Volatile.Read(ref finished) == writers;
                var page = (await connection.QueryAsync<long>("SELECT sequence FROM change_log WHERE sequence > @Last ORDER BY sequence", new { Last = last })).AsList();
                seen.AddRange(page);
                last = page.Count > 0 ? page[^1] : last;
                if (complete)
                {
                    return;
                }
            }
        });
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var store = NewStore();
            start.Wait();
            try
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var series = 1 + (i / 2 % 3);
                    var record = IndexRecords.Instance(1 + (i % 2), series, (w * 100) + i + 1, series == 2 ? "MR" : "CT",
                        series == 3 ? IndexRecords.SecondaryCaptureStorage : IndexRecords.CtImageStorage);
                    Assert.That((await store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None)).Result, Is.EqualTo(AddInstanceResult.Added));
                }
            }
            finally
            {
                Interlocked.Increment(ref finished);
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);
        await reader;

        await using var connection = await _database.OpenAsync();
        var log = (await connection.QueryAsync<long>("SELECT sequence FROM change_log ORDER BY sequence")).ToList();
        Assert.That(log, Has.Count.EqualTo(writers * perWriter));
        Assert.That(seen, Is.EqualTo(log), "the paging reader saw every change once, in order");
        Assert.That(log, Is.Ordered.Ascending.And.Unique);
        Assert.That((await connection.QueryAsync<long>("SELECT change_sequence FROM instance ORDER BY change_sequence")).ToList(), Is.EqualTo(log));
        for (var st = 1; st <= 2; st++)
        {
            var study = await _store.GetStudyAsync(IndexRecords.Uid("1", st), StudyAccess.All, CancellationToken.None);
            Assert.That((study!.NumberOfStudyRelatedSeries, study.NumberOfStudyRelatedInstances), Is.EqualTo((3, writers * perWriter / 2)));
            Assert.That(study.ModalitiesInStudy, Is.EqualTo(new[] { "CT", "MR" }));
            Assert.That(study.SopClassesInStudy, Is.EqualTo(new[] { IndexRecords.CtImageStorage, IndexRecords.SecondaryCaptureStorage }));
            var series = await _store.ListSeriesAsync(study.StudyInstanceUid, StudyAccess.All, CancellationToken.None);
            Assert.That(series.Select(s => s.NumberOfSeriesRelatedInstances), Is.All.EqualTo(writers * perWriter / 6));
        }
    }
}
