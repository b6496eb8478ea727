using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>When the index transaction fails, the blob written for it is removed and nothing is reported stored.</summary>
public sealed class StowIndexFailureTests
{
    [Test]
    public async Task PostStudies_IndexCommitFails_0110AndBlobRemoved()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        // A real SQLite failure inside the transaction: the instance insert aborts.
        await using (var connection = new SqliteConnection($"Data Source={factory.Archive.IndexFile};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TRIGGER refuse_instances BEFORE INSERT ON instance BEGIN SELECT RAISE(ABORT, 'refused by test'); END;";
            await command.ExecuteNonQueryAsync();
        }
        string sop = TestDicom.NewUid();

        var result = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop).ToArray()]));

        Assert.That(result.Status, Is.EqualTo(409), result.ToString);
        Assert.That(result.Failed.Single(), Is.EqualTo(((string?)TestDicom.CtImageStorage, (string?)sop, (int)StoreFailureReason.ProcessingFailure)));
        Assert.That(factory.Archive.BlobFiles(), Is.Empty, "the blob of the failed commit is removed");
        Assert.That(factory.Archive.Count("study"), Is.EqualTo(0), "the transaction rolled back whole");
        factory.Archive.AssertConsistent();
    }
}
