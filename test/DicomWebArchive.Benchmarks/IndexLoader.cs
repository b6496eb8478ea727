using DicomWebArchive.Core;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Benchmarks;

/// <summary>
/// Fills an index with a synthetic corpus through the same <see cref="SqlIndexStore.AddInstanceAsync"/> the store path
/// uses, for the QIDO scale benchmark: `load-index DB STUDIES INSTANCES_PER_STUDY`. Deterministic (seeded).
/// </summary>
internal static class IndexLoader
{
    private static readonly string[] FamilyNames = ["Smith", "O'Brien", "Müller", "Dvořák", "García", "Nguyen", "Kowalski", "van der Berg", "Johansson", "Rossi", "Yamada", "Kim", "Dubois", "Novák", "Andersen", "Papadopoulos", "Cohen", "Silva", "Ivanov", "Okafor"];
    private static readonly string[] GivenNames = ["Mary", "John", "Zdeňka", "Hans", "Ana", "Minh", "Piotr", "Jan", "Erik", "Giulia", "Taro", "Ji-woo", "Chloé", "Tomáš", "Freja", "Nikos", "Noa", "João", "Olga", "Chidi"];
    private static readonly string[] Modalities = ["CT", "CT", "CT", "MR", "MR", "US", "CR", "DX", "PT", "NM", "MG", "XA"];

    public static async Task<int> RunAsync(string[] args)
    {
        var path = args[1];
        var studies = int.Parse(args[2], CultureInfo.InvariantCulture);
        var perStudy = int.Parse(args[3], CultureInfo.InvariantCulture);
        var index = SqlIndexStore.ForSqlite($"Data Source={path}");
        await index.InitializeAsync(CancellationToken.None);
        var metadata = Gzip("[{}]");
        var random = new Random(20261129);
        var clock = Stopwatch.StartNew();
        var uidRoot = "1.2.826.0.1.3680043.10.9999";
        for (var s = 1; s <= studies; s++)
        {
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var given = GivenNames[random.Next(GivenNames.Length)];
            var date = new DateOnly(2000, 1, 1).AddDays(random.Next(26 * 365)).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var seriesCount = 1 + random.Next(Math.Min(4, perStudy));
            for (var i = 0; i < perStudy; i++)
            {
                var series = i % seriesCount;
                var record = new InstanceRecord
                {
                    StudyInstanceUid = $"{uidRoot}.1.{s}",
                    StudyDate = date,
                    StudyTime = "101500",
                    AccessionNumber = $"A{s:D8}",
                    StudyId = $"{s}",
                    StudyDescription = "SYNTHETIC STUDY",
                    ReferringPhysicianName = "Referrer^Ray",
                    PatientName = $"{family}^{given}",
                    PatientId = $"PID{s % (studies / 2 + 1):D7}",
                    PatientBirthDate = "19700101",
                    PatientSex = (s & 1) == 0 ? "F" : "M",
                    SeriesInstanceUid = $"{uidRoot}.2.{s}.{series}",
                    Modality = Modalities[(s + series) % Modalities.Length],
                    SeriesNumber = series + 1,
                    SeriesDescription = $"Series {series + 1}",
                    SopInstanceUid = $"{uidRoot}.3.{s}.{i}",
                    SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
                    InstanceNumber = i + 1,
                    Rows = 8,
                    Columns = 8,
                    BitsAllocated = 16,
                    TransferSyntaxUid = "1.2.840.10008.1.2.1",
                    Size = 1024,
                    Sha256 = SHA256.HashData(Encoding.ASCII.GetBytes($"{s}.{i}")),
                    BlobKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"blob{s}.{i}"))[..16]),
                    MetadataJson = metadata,
                };
                await index.AddInstanceAsync(record, overwrite: false, ArchiveCaller.System, CancellationToken.None);
            }
            if (s % 10_000 == 0)
            {
                Console.WriteLine($"{s} studies, {s * perStudy} instances, {clock.Elapsed.TotalSeconds:F0} s");
            }
        }
        Console.WriteLine($"loaded {studies} studies, {studies * perStudy} instances in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return buffer.ToArray();
    }
}
