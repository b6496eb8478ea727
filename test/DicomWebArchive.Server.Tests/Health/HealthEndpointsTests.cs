using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Health;

public sealed class HealthEndpointsTests
{
    [Test]
    public async Task Ready_BlobStoreGone_503WhileLiveStays200()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        string blobs = Path.Combine(factory.DataDirectory, "blobs");
        string moved = blobs + ".away";

        Directory.Move(blobs, moved);
        try
        {
            Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(503));
            Assert.That((int)(await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(200));
        }
        finally
        {
            Directory.Move(moved, blobs);
        }
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Ready_Healthy_JsonNamesIndexAndSchemaVersion()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();

        using var ready = await client.GetAsync("/health/ready");

        Assert.That(ready.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using var json = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var index = json.RootElement.GetProperty("checks").GetProperty("index");
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        int latest = Storage.Index.IndexMigrator.LatestVersion(Storage.Index.SqliteDialect.Instance);
        Assert.That(index.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(latest));
        Assert.That(index.GetProperty("description").GetString(), Does.StartWith("SQLite index ").And.EndWith($"schema version {latest}."));
    }

    [Test]
    public async Task Ready_IndexFileUnreadable_503()
    {
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        string index = factory.Archive.IndexFile;

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Move(index, index + ".away");
        Directory.CreateDirectory(index);
        try
        {
            Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(503));
        }
        finally
        {
            Directory.Delete(index);
            File.Move(index + ".away", index);
        }
    }
}
