using Dapper;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Storage.Tests.Index;

/// <summary>The settings every connection to an SQLite index carries, read back from SQLite itself.</summary>
public sealed class SqliteIndexDatabaseTests
{
    [Test]
    public async Task OpenAsync_AnyConnection_DurableCommitsAndStatementJournalInMemory()
    {
        using var folder = new TempDirectory("dwa-sqlite-");
        var database = new SqliteIndexDatabase($"Data Source={folder.Combine("index.db")}");

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await database.PrepareAsync(connection, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"), Is.EqualTo(2), "FULL: a commit is durable before the archive answers");
            Assert.That(await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA temp_store"), Is.EqualTo(2), "MEMORY: no temporary file per group commit");
            Assert.That(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"), Is.EqualTo(30_000));
        });
    }
}
