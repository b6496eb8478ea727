using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Core.Index;

namespace DicomWebArchive.Testing;

/// <summary>Index rows for tests: realistic attributes, distinct UIDs, content hash derived from a label.</summary>
public static class IndexRecords
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string SecondaryCaptureStorage = "1.2.840.10008.5.1.4.1.1.7";

    public static string Uid(string prefix, int n) => $"1.2.826.0.1.3680043.10.1234.{prefix}.{n}";

    public static InstanceRecord Instance(int study, int series, int instance, string modality = "CT", string sopClass = CtImageStorage, string content = "a") => new()
    {
        StudyInstanceUid = Uid("1", study),
        StudyDate = "20240312",
        StudyTime = "101500",
        AccessionNumber = $"ACC{study:D5}",
        StudyId = $"S{study}",
        StudyDescription = "CT THORAX",
        ReferringPhysicianName = "Dr^O'Brien",
        PatientName = "Müller^Zoë",
        PatientId = $"PID{study}",
        PatientBirthDate = "19700101",
        PatientSex = "F",
        SeriesInstanceUid = Uid("2", (study * 100) + series),
        Modality = modality,
        SeriesNumber = series,
        SeriesDescription = $"Series {series}",
        SeriesDate = "20240312",
        SeriesTime = "101600",
        SopInstanceUid = Uid("3", (((study * 100) + series) * 1000) + instance),
        SopClassUid = sopClass,
        InstanceNumber = instance,
        Rows = 512,
        Columns = 512,
        BitsAllocated = 16,
        NumberOfFrames = 1,
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        Size = 524_288 + instance,
        Sha256 = SHA256.HashData(Encoding.UTF8.GetBytes($"{study}/{series}/{instance}/{content}")),
        BlobKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        PixelDataOffset = 1024,
        FrameTable = [1, 2, 3, 4],
        MetadataJson = Encoding.UTF8.GetBytes($"{{\"instance\":{instance}}}"),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_710_000_000_000 + instance),
    };
}
