using System.Collections.Concurrent;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>A server process killed (SIGKILL) while uploads are in flight leaves each instance whole or absent, on each index database.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class StowCrashTests(string provider)
{
    [Test]
    public async Task Server_KilledDuringUploads_EveryInstanceWholeOrAbsentAndOrphansSwept()
    {
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        string dataDirectory = Directory.CreateTempSubdirectory("dwa-crash-").FullName;
        try
        {
            var sent = new ConcurrentDictionary<string, byte[]>();
            var acknowledged = new ConcurrentBag<string>();
            var archive = new ArchiveInspector(dataDirectory, index);

            await using (var server = await ServerProcess.StartAsync(dataDirectory, ["--Storage:Sweeper:Enabled=false", .. index.Arguments]))
            {
                using var client = server.CreateClient();
                var uploaders = Enumerable.Range(0, 4).Select(c => Task.Run(() => UploadUntilDeadAsync(client, c, sent, acknowledged))).ToArray();
                await StowKestrelTests.WaitUntilAsync(
                    () => acknowledged.Count >= 40 && archive.TemporaryBlobFiles().Count > 0, "40 acknowledged instances and a blob being written", seconds: 120);
                server.Kill();
                await Task.WhenAll(uploaders);
            }

            int blobsAfterCrash = archive.BlobFiles().Count + archive.TemporaryBlobFiles().Count;
            int rowsAfterCrash = archive.Instances().Count;
            TestContext.Out.WriteLine($"After SIGKILL: {acknowledged.Count} acknowledged, {rowsAfterCrash} indexed, {blobsAfterCrash} blob files (committed + temporary).");
            Assert.That(blobsAfterCrash, Is.GreaterThan(rowsAfterCrash), "uploads were in flight when the process died");

            // The kill may fall between blob commits and index commits or not; make sure a committed orphan exists.
            string plantedKey = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            string someBlob = archive.BlobFiles()[0];
            string shard = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(someBlob)))!;
            string planted = Path.Combine(shard, plantedKey[..2], plantedKey[2..4], plantedKey);
            Directory.CreateDirectory(Path.GetDirectoryName(planted)!);
            File.Copy(someBlob, planted);
            File.SetLastWriteTimeUtc(planted, DateTime.UtcNow.AddMinutes(-1));

            // A grace period of ~0 is only safe with no upload in flight: the sweep runs once at start-up, the next in an hour.
            await using (var server = await ServerProcess.StartAsync(dataDirectory, ["--Storage:Sweeper:GracePeriod=00:00:00.001", "--Storage:Sweeper:Interval=01:00:00", .. index.Arguments]))
            {
                await StowKestrelTests.WaitUntilAsync(
                    () => archive.BlobFiles().Count == archive.Instances().Count && archive.TemporaryBlobFiles().Count == 0,
                    "the sweeper to remove orphaned blobs");

                Assert.That(File.Exists(planted), Is.False, "the committed orphan was swept");
                var rows = archive.Instances();
                Assert.That(rows.Select(r => r.SopInstanceUid), Is.SupersetOf(acknowledged), "every acknowledged instance survives");
                foreach (var row in rows)
                {
                    var blob = await File.ReadAllBytesAsync(archive.BlobPath(row.BlobKey));
                    Assert.That(blob, Is.EqualTo(sent[row.SopInstanceUid]), $"{row.SopInstanceUid}: indexed instance is whole");
                }
                archive.AssertConsistent();
                archive.AssertAggregatesMatchRows();

                using var client = server.CreateClient();
                var after = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
                Assert.That(after.Status, Is.EqualTo(200), () => $"the restarted server stores: {after}\n{server.Output}");
                TestContext.Out.WriteLine($"After restart: {rows.Count} instances whole, orphans swept.");
            }
        }
        finally
        {
            TempDirectory.Delete(dataDirectory);
        }
    }

    private static async Task UploadStalledAsync(HttpClient client)
    {
        var instance = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArrayWithPixelDataHeader(64 * 1024 * 1024);
        try
        {
            await StowRequests.PostAsync(client, StowRequests.Multipart([new StalledContent(instance)]));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
        }
    }

    /// <summary>Sends the header and some pixel data of a 64 MiB instance, then never sends the rest.</summary>
    private sealed class StalledContent(byte[] header) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(header);
            await stream.WriteAsync(new byte[256 * 1024]);
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static async Task UploadUntilDeadAsync(HttpClient client, int uploader, ConcurrentDictionary<string, byte[]> sent, ConcurrentBag<string> acknowledged)
    {
        string study = TestDicom.NewUid(), series = TestDicom.NewUid();
        for (int batch = 0; ; batch++)
        {
            var sops = new List<string>();
            var files = new List<byte[]>();
            for (int i = 0; i < 10; i++)
            {
                string sop = TestDicom.NewUid();
                var bytes = new TestDicom(study, series, sop).AddImage(256, 256, 4).ToArrayWithPixelData(256 * 256 * 2 * 4, seed: (uploader * 1000) + (batch * 10) + i);
                var stored = bytes.ToArray();
                stored.AsSpan(0, 128).Clear();
                sent[sop] = stored;
                sops.Add(sop);
                files.Add(bytes);
            }
            try
            {
                var result = await StowRequests.PostAsync(client, StowRequests.Multipart(files));
                if (result.Status == 200)
                {
                    sops.ForEach(acknowledged.Add);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                return;
            }
        }
    }
}
