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
        // Several requests at once leave several idle connections in the pool, as a busy server has.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _store.SearchAsync(search, StudyAccess.All, CancellationToken.None)));

        await EndOtherSessionsAsync();

        for (int i = 0; i < 4; i++)
        {
            Assert.That(await _store.SearchAsync(search, StudyAccess.All, CancellationToken.None), Has.Count.EqualTo(1));
            Assert.That(await _store.ListInstancesAsync(new InstanceScope(record.StudyInstanceUid), StudyAccess.All, CancellationToken.None), Has.Count.EqualTo(1));
            Assert.That(await _store.FindInstanceAsync(record.SopInstanceUid, CancellationToken.None), Is.Not.Null);
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
