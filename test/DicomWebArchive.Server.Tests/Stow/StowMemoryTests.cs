using System.Net.Http.Headers;
using System.Security.Cryptography;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>Memory stays flat whatever the instance size: a 1 GiB multi-frame instance through a separate server process.</summary>
public sealed class StowMemoryTests
{
    private const long PeakLimit = 300L * 1024 * 1024;

    [Test]
    public async Task PostStudies_OneGigabyteMultiFrame_PeakWorkingSetUnder300MB()
    {
        string dataDirectory = Directory.CreateTempSubdirectory("dwa-memory-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDirectory, "--Storage:Sweeper:Enabled=false");
            using var client = server.CreateClient();
            const int rows = 512, columns = 512, frames = 2048;
            const long pixelLength = (long)rows * columns * 2 * frames;
            string sop = TestDicom.NewUid();
            var header = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop).AddImage(rows, columns, frames).ToArrayWithPixelDataHeader(pixelLength);
            var content = new GeneratedInstanceContent(header, pixelLength, seed: 7);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            long before = server.PeakWorkingSet();

            var result = await StowRequests.PostAsync(client, content);

            long peak = server.PeakWorkingSet();
            TestContext.Out.WriteLine($"Peak working set (VmHWM): {peak / (1024 * 1024)} MB after storing {(header.Length + pixelLength) / (1024 * 1024)} MB ({before / (1024 * 1024)} MB before the upload).");
            Assert.That(result.Status, Is.EqualTo(200), result.ToString);
            Assert.That(peak, Is.LessThan(PeakLimit), $"peak working set {peak / (1024 * 1024)} MB");

            var row = server.Archive.Instances().Single();
            Assert.That(row.SopInstanceUid, Is.EqualTo(sop));
            Assert.That(row.Size, Is.EqualTo(header.Length + pixelLength));
            Assert.That(row.PixelDataOffset, Is.EqualTo(header.Length));
            var table = FrameTable.Decode(row.FrameTable);
            Assert.That(table.Count, Is.EqualTo(frames));
            Assert.That(table[frames - 1], Is.EqualTo(new[] { new Dicom.ByteRange(header.Length + ((frames - 1L) * rows * columns * 2), rows * columns * 2) }));
            Assert.That(row.Sha256, Is.EqualTo(ExpectedHash(header, pixelLength, seed: 7)));
            await using var blob = File.OpenRead(server.Archive.BlobPath(row.BlobKey));
            Assert.That(await SHA256.HashDataAsync(blob), Is.EqualTo(row.Sha256), "the blob on disk is what was hashed");
        }
        finally
        {
            TempDirectory.Delete(dataDirectory);
        }
    }

    private static byte[] ExpectedHash(byte[] header, long pixelLength, int seed)
    {
        var stored = header.ToArray();
        stored.AsSpan(0, 128).Clear();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(stored);
        var chunk = new byte[PixelPattern.ChunkSize];
        for (long done = 0; done < pixelLength;)
        {
            int count = (int)Math.Min(chunk.Length, pixelLength - done);
            PixelPattern.FillChunk(chunk.AsSpan(0, count), done, seed);
            hash.AppendData(chunk, 0, count);
            done += count;
        }
        return hash.GetHashAndReset();
    }
}
