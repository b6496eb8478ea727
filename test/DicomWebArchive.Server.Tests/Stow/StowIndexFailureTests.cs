using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>When the index transaction fails, the blob written for it is removed and nothing is reported stored, on each index database.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class StowIndexFailureTests(string provider)
{
    // A real failure of the database inside the transaction: the instance insert aborts.
    private static readonly Dictionary<string, string> RefuseInstances = new()
    {
        [IndexProviders.Sqlite] = "CREATE TRIGGER refuse_instances BEFORE INSERT ON instance BEGIN SELECT RAISE(ABORT, 'refused by test'); END;",
        [IndexProviders.PostgreSql] =
            "CREATE FUNCTION refuse_instances() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$; " +
            "CREATE TRIGGER refuse_instances BEFORE INSERT ON instance FOR EACH ROW EXECUTE FUNCTION refuse_instances();",
        [IndexProviders.SqlServer] = "CREATE TRIGGER refuse_instances ON instance INSTEAD OF INSERT AS THROW 50000, 'refused by test', 1;",
    };

    [Test]
    public async Task PostStudies_IndexCommitFails_0110AndBlobRemoved()
    {
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        await using var factory = new ArchiveFactory(index);
        using var client = factory.CreateClient();
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        await using (var connection = await index.OpenAsync())
        {
            await using var command = connection.CreateCommand();
            command.CommandText = RefuseInstances[provider];
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
