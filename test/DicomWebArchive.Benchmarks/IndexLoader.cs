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
/// uses, for the QIDO scale benchmarks: `load-index DB STUDIES INSTANCES_PER_STUDY` for a SQLite file, or
/// `load-index PROVIDER CONNECTION_STRING STUDIES INSTANCES_PER_STUDY [WRITERS]` for any index provider (Sqlite, PostgreSql,
/// SqlServer). Deterministic (seeded): every provider gets the same rows.
/// </summary>
internal static class IndexLoader
{
    private static readonly string[] FamilyNames = ["Smith", "O'Brien", "Müller", "Dvořák", "García", "Nguyen", "Kowalski", "van der Berg", "Johansson", "Rossi", "Yamada", "Kim", "Dubois", "Novák", "Andersen", "Papadopoulos", "Cohen", "Silva", "Ivanov", "Okafor"];
    private static readonly string[] GivenNames = ["Mary", "John", "Zdeňka", "Hans", "Ana", "Minh", "Piotr", "Jan", "Erik", "Giulia", "Taro", "Ji-woo", "Chloé", "Tomáš", "Freja", "Nikos", "Noa", "João", "Olga", "Chidi"];
    private static readonly string[] Modalities = ["CT", "CT", "CT", "MR", "MR", "US", "CR", "DX", "PT", "NM", "MG", "XA"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (provider, connectionString, counts) = args.Length >= 5 ? (args[1], args[2], args[3..]) : ("Sqlite", $"Data Source={args[1]}", args[2..]);
        var studies = int.Parse(counts[0], CultureInfo.InvariantCulture);
        var perStudy = int.Parse(counts[1], CultureInfo.InvariantCulture);
        // Several writers keep a networked database busy between round trips; SQLite's writers take turns anyway.
        var writers = counts.Length > 2 ? int.Parse(counts[2], CultureInfo.InvariantCulture) : 1;
        var index = SqlIndexStore.Create(provider, connectionString);
        await index.InitializeAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var loaded = 0;
        // The studies are made one after the other from one seeded generator, so the rows do not depend on the writers.
        await Parallel.ForEachAsync(Studies(studies, perStudy), new ParallelOptions { MaxDegreeOfParallelism = writers }, async (study, cancellationToken) =>
        {
            foreach (var record in study)
            {
                await index.AddInstanceAsync(record, overwrite: false, ArchiveCaller.System, cancellationToken);
            }
            if (Interlocked.Increment(ref loaded) is var done && done % 10_000 == 0)
            {
                Console.WriteLine($"{done} studies, {done * perStudy} instances, {clock.Elapsed.TotalSeconds:F0} s");
            }
        });
        Console.WriteLine($"loaded {studies} studies, {studies * perStudy} instances in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static IEnumerable<InstanceRecord[]> Studies(int studies, int perStudy)
    {
        var metadata = Gzip("[{}]");
        var random = new Random(20261129);
        var uidRoot = "1.2.826.0.1.3680043.10.9999";
        for (var s = 1; s <= studies; s++)
        {
            var family = FamilyNames[random.Next(FamilyNames.Length)];
            var given = GivenNames[random.Next(GivenNames.Length)];
            var date = new DateOnly(2000, 1, 1).AddDays(random.Next(26 * 365)).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var seriesCount = 1 + random.Next(Math.Min(4, perStudy));
            var study = new InstanceRecord[perStudy];
            for (var i = 0; i < perStudy; i++)
            {
                var series = i % seriesCount;
                study[i] = new InstanceRecord
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
            }
            yield return study;
        }
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
