using System.Collections.Concurrent;
using System.Net;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>A shared index database that is missing at start-up or lost during uploads.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.Shared))]
public sealed class IndexDatabaseFailureTests(string provider)
{
    [Test]
    public async Task Start_DatabaseNotThereYet_NotReadyWithoutLeakingThePasswordThenReadyOnceItIs()
    {
        await using var index = await TestIndexDatabase.ReserveAsync(provider);
        // PostgreSQL here trusts loopback, so any password passes; a SQL Server's own password is looked for instead.
        var connectionString = provider == IndexProviders.PostgreSql
            ? new NpgsqlConnectionStringBuilder(index.ConnectionString) { Password = "never-logged-7f3a" }.ConnectionString
            : index.ConnectionString;
        var password = provider == IndexProviders.PostgreSql
            ? "never-logged-7f3a"
            : new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString).Password;
        using var data = new TempDirectory("dwa-nodb-");

        await using var server = await ServerProcess.StartAsync(data.Path, $"--Storage:Index:Provider={provider}", $"--Storage:Index:ConnectionString={connectionString}");
        using var client = server.CreateClient();

        using (var ready = await client.GetAsync("/health/ready"))
        {
            var body = await ready.Content.ReadAsStringAsync();
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body);
            Assert.That(body, Does.Contain("Storage:Index:ConnectionString"));
            AssertSecret(body, password);
        }
        var search = await client.GetAsync("/dicomweb/studies");
        Assert.That((int)search.StatusCode, Is.GreaterThanOrEqualTo(500));
        AssertSecret(await search.Content.ReadAsStringAsync(), password);
        var store = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(store.Status, Is.EqualTo(409), store.ToString);
        AssertSecret(store.Body, password);
        Assert.That(store.Failed.Single().Reason, Is.EqualTo(0x0110));
        Assert.That(server.Output, Does.Contain("Storage:Index:ConnectionString"));

        await index.CreateDatabaseAsync();

        await Stow.StowKestrelTests.WaitUntilAsync(() => client.GetAsync("/health/ready").Result.IsSuccessStatusCode, "the server to migrate the new database", seconds: 60);
        Assert.That(await client.GetStringAsync("/health/ready"), Does.Contain($"schema version {Storage.Index.IndexMigrator.LatestVersion(Storage.Index.SqliteDialect.Instance)}"));
        var after = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(after.Status, Is.EqualTo(200), after.ToString);
        Assert.That(new ArchiveInspector(data.Path, index).Instances(), Has.Count.EqualTo(1), "only the instance stored once the index answered");
        AssertSecret(server.Output, password);
    }

    [Test]
    public async Task PostStudies_SessionsKilledDuringUploads_EveryInstanceWholeOrAbsent()
    {
        if (provider != IndexProviders.PostgreSql)
        {
            Assert.Ignore("Ending the archive's sessions is written for PostgreSQL (pg_terminate_backend).");
        }
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        await using var factory = new ArchiveFactory(index, ("Storage:Sweeper:GracePeriod", "00:00:00.001"));
        using var client = factory.CreateClient();
        Assert.That((int)(await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(200));
        var sent = new ConcurrentDictionary<string, byte[]>();
        var acknowledged = new ConcurrentBag<string>();
        using var uploading = new CancellationTokenSource();

        var killer = Task.Run(async () =>
        {
            var killed = 0;
            await using var connection = await index.OpenAsync();
            while (!uploading.IsCancellationRequested)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
                killed += Convert.ToInt32(await command.ExecuteScalarAsync());
                await Task.Delay(Random.Shared.Next(50, 250));
            }
            return killed;
        });
        var uploaders = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            string study = TestDicom.NewUid(), series = TestDicom.NewUid();
            for (var batch = 0; batch < 10; batch++)
            {
                var files = new List<byte[]>();
                for (var i = 0; i < 5; i++)
                {
                    var sop = TestDicom.NewUid();
                    var file = new TestDicom(study, series, sop).ToArray();
                    var stored = file.ToArray();
                    stored.AsSpan(0, 128).Clear();
                    sent[sop] = stored;
                    files.Add(file);
                }
                var result = await StowRequests.PostAsync(client, StowRequests.Multipart(files));
                foreach (var (_, sop, _, _) in result.Referenced)
                {
                    acknowledged.Add(sop!);
                }
            }
        })).ToArray();
        await Task.WhenAll(uploaders);
        await uploading.CancelAsync();
        var sessionsKilled = await killer;
        // Idle pooled sessions ended by the killer would fail the first query that takes them; start the checks afresh.
        NpgsqlConnection.ClearAllPools();

        TestContext.Out.WriteLine($"{sessionsKilled} sessions ended; {acknowledged.Count} of {sent.Count} instances acknowledged.");
        Assert.That(sessionsKilled, Is.GreaterThan(0), "sessions ended while instances were being stored");
        Assert.That(acknowledged, Is.Not.Empty, "instances were stored between the losses");
        var archive = factory.Archive;
        var rows = archive.Instances();
        Assert.That(rows.Select(r => r.SopInstanceUid), Is.SupersetOf(acknowledged), "every acknowledged instance is indexed");
        foreach (var row in rows)
        {
            Assert.That(await File.ReadAllBytesAsync(archive.BlobPath(row.BlobKey)), Is.EqualTo(sent[row.SopInstanceUid]), $"{row.SopInstanceUid}: indexed instance is whole");
        }
        archive.AssertAggregatesMatchRows();
        // A commit whose outcome the connection's loss hid leaves its blob to the sweeper; after a sweep nothing is left over.
        await factory.Services.GetRequiredService<OrphanSweeper>().SweepAsync(CancellationToken.None);
        archive.AssertConsistent();
    }

    private static void AssertSecret(string text, string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            Assert.That(text, Does.Not.Contain(secret), "the password never leaves the process");
        }
    }
}
