using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;

namespace DicomWebArchive.Storage.Tests.Index;

public sealed partial class SqlIndexStoreTests
{
    private static AuditRecord Read(string subject, string study) =>
        AuditRecord.For(new ArchiveCaller { Subject = subject, CorrelationId = "c" }, AuditActions.Metadata, DateTimeOffset.UtcNow) with { StudyInstanceUid = study, Status = 200, Bytes = 10 };

    [Test]
    public async Task AppendAsync_Records_ChainedQueryableAndValid()
    {
        await _store.AddInstanceAsync(IndexRecords.Instance(1, 1, 1), false, ArchiveCaller.System, CancellationToken.None);
        await _store.AppendAsync([Read("a", "1.1"), Read("b", "1.2"), Read("a", "1.3")], CancellationToken.None);

        var bySubject = await _store.QueryAsync(new AuditQuery { Subject = "a" }, CancellationToken.None);
        var all = await _store.QueryAsync(new AuditQuery { Offset = 1, Limit = 2 }, CancellationToken.None);

        Assert.That(bySubject.Select(r => r.StudyInstanceUid), Is.EqualTo(new[] { "1.1", "1.3" }));
        Assert.That(all.Select(r => r.Subject), Is.EqualTo(new[] { "a", "b" }), "paged, oldest first");
        Assert.That(await _store.VerifyAsync(CancellationToken.None), Is.EqualTo(new AuditVerification(true, 4, null, null)));
    }

    [TestCase("UPDATE audit_event SET bytes = 11 WHERE sequence = 3", 3)]
    [TestCase("DELETE FROM audit_event WHERE sequence = 2", 3)]
    [TestCase("UPDATE audit_event SET hash = NULL WHERE sequence = 4", 4)]
    public async Task VerifyAsync_TrailChangedBehindTheArchivesBack_NamesTheFirstBrokenRecord(string change, long broken)
    {
        await _store.AppendAsync([Read("a", "1.1"), Read("b", "1.2"), Read("c", "1.3"), Read("d", "1.4")], CancellationToken.None);
        await using (var connection = await _database.OpenAsync())
        {
            Assert.CatchAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync(change), "append-only");
            await connection.ExecuteAsync(provider switch
            {
                IndexProviders.Sqlite => "DROP TRIGGER audit_event_append_only_update; DROP TRIGGER audit_event_append_only_delete;",
                IndexProviders.PostgreSql => "DROP TRIGGER audit_event_append_only ON audit_event",
                _ => "DROP TRIGGER audit_event_append_only",
            });
            await connection.ExecuteAsync(change);
        }

        var verification = await _store.VerifyAsync(CancellationToken.None);

        Assert.That((verification.Valid, verification.FirstInvalidSequence), Is.EqualTo((false, (long?)broken)), verification.Problem);
    }
}
