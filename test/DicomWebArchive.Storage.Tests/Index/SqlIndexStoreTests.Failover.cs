using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>A database server that ends every session (a restart, a failover) costs no request a failure.</summary>
public sealed partial class SqlIndexStoreTests
{
    [Test]
    public async Task Reads_SessionsEndedByTheServer_AnsweredOnFreshConnections()
    {
        if (provider != IndexProviders.PostgreSql)
        {
            Assert.Ignore("A database server's sessions: SQLite has none; SQL Server ends them with KILL, not tried here.");
        }
        var record = IndexRecords.Instance(1, 1, 1);
        await _store.AddInstanceAsync(record, false, ArchiveCaller.System, CancellationToken.None);
        var search = new SearchQuery { Level = QueryLevel.Study, Limit = 10 };
        var reads = new (string Name, Func<Task<bool>> Read)[]
        {
            ("search", async () => (await _store.SearchAsync(search, StudyAccess.All, CancellationToken.None)).Count == 1),
            ("instances", async () => (await _store.ListInstancesAsync(new InstanceScope(record.StudyInstanceUid), StudyAccess.All, CancellationToken.None)).Count == 1),
            ("instance", async () => await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None) is not null),
            ("study storage", async () => await _store.GetStudyStorageAsync(record.StudyInstanceUid, CancellationToken.None) is { Usage.Count: > 0 }),
        };
        foreach (var (name, read) in reads)
        {
            // Several requests at once leave several idle connections in the pool, as a busy server has.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.SearchAsync(search, StudyAccess.All, CancellationToken.None)));
            await EndOtherSessionsAsync();

            Assert.That(await read(), Is.True, name);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.SearchAsync(search, StudyAccess.All, CancellationToken.None)));
        await EndOtherSessionsAsync();
        var (added, _) = await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 2), false, ArchiveCaller.System, CancellationToken.None);
        Assert.That(added, Is.EqualTo(AddInstanceResult.Added), "a write is retried on a fresh connection too");
    }

    private async Task EndOtherSessionsAsync()
    {
        await using var admin = await _database.OpenAsync();
        int ended = await admin.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t");
        Assert.That(ended, Is.GreaterThanOrEqualTo(1), "the store's pooled sessions were ended");
    }
}
