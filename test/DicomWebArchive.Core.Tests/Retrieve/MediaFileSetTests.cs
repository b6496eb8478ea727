using System.IO.Compression;
using System.Text;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Retrieve;

public sealed class MediaFileSetTests
{
    private static readonly TransferSyntax Explicit = TransferSyntax.ExplicitVRLittleEndian;

    [Test]
    public void PathOf_TwoSeries_FileIdPerPatientStudySeriesAndInstance()
    {
        var records = new[] { Record("1.1", "A", 1), Record("1.2", "A", 2), Record("2.1", "B", 1) };

        var set = MediaFileSet.Create(records, _ => Explicit);

        Assert.That(records.Select(r => set.PathOf(r.SopInstanceUid)), Is.EqualTo(new[]
        {
            "DICOM/P0000001/S0000001/SE000001/IM000001",
            "DICOM/P0000001/S0000001/SE000001/IM000002",
            "DICOM/P0000001/S0000001/SE000002/IM000001",
        }));
    }

    [Test]
    public void PathOf_TwoPatients_OneDirectoryEach()
    {
        var records = new[] { Record("1.1", "A", 1), Record("9.1", "Z", 1) with { PatientId = "OTHER", StudyInstanceUid = "9" } };

        var set = MediaFileSet.Create(records, _ => Explicit);

        Assert.That(set.PathOf(records[1].SopInstanceUid), Is.EqualTo("DICOM/P0000002/S0000001/SE000001/IM000001"));
    }

    [Test]
    public async Task WriteDicomDir_IndexValues_InTheRecords()
    {
        var records = new[] { Record("1.1", "A", 7) };

        var items = await RecordsAsync(MediaFileSet.Create(records, _ => TransferSyntax.Lookup("1.2.840.10008.1.2.4.50")));

        Assert.That(items.Select(i => i.GetAsciiString(DicomTags.DirectoryRecordType)), Is.EqualTo(new[] { "PATIENT", "STUDY", "SERIES", "IMAGE" }));
        Assert.That(items[0].GetAsciiString(DicomTags.PatientID), Is.EqualTo("PID"));
        Assert.That(items[1].GetAsciiString(DicomTags.StudyDate), Is.EqualTo("20240101"));
        Assert.That(items[1].GetAsciiString(DicomTags.StudyInstanceUID), Is.EqualTo("1"));
        Assert.That(items[2].GetAsciiString(DicomTags.Modality), Is.EqualTo("CT"));
        Assert.That(items[2].GetAsciiString(DicomTags.SeriesNumber), Is.EqualTo("3"));
        Assert.That(items[3].GetAsciiString(DicomTags.InstanceNumber), Is.EqualTo("7"));
        Assert.That(items[3].GetAsciiString(DicomTags.ReferencedFileID), Is.EqualTo("DICOM\\P0000001\\S0000001\\SE000001\\IM000001"));
        Assert.That(items[3].GetAsciiString(DicomTags.ReferencedSOPInstanceUIDInFile), Is.EqualTo("1.1"));
        Assert.That(items[3].GetAsciiString(DicomTags.ReferencedTransferSyntaxUIDInFile), Is.EqualTo("1.2.840.10008.1.2.4.50"), "the syntax sent, not the stored one");
    }

    [Test]
    public async Task WriteDicomDir_Type1KeysMissing_Invented()
    {
        var record = Record("1.1", "A", 1) with
        {
            PatientId = null,
            StudyId = null,
            StudyDate = null,
            SeriesDate = "20230505",
            Modality = null,
            SeriesNumber = null,
            InstanceNumber = null,
        };

        var items = await RecordsAsync(MediaFileSet.Create([record], _ => Explicit));

        Assert.That(items[0].GetAsciiString(DicomTags.PatientID), Is.EqualTo("P0000001"));
        Assert.That(items[1].GetAsciiString(DicomTags.StudyID), Is.EqualTo("S0000001"));
        Assert.That(items[1].GetAsciiString(DicomTags.StudyDate), Is.EqualTo("20230505"));
        Assert.That(items[2].GetAsciiString(DicomTags.Modality), Is.EqualTo("OT"));
        Assert.That(items[2].GetAsciiString(DicomTags.SeriesNumber), Is.EqualTo("1"));
        Assert.That(items[3].GetAsciiString(DicomTags.InstanceNumber), Is.EqualTo("1"));
    }

    [Test]
    public async Task WriteDicomDir_StructuredReport_KeysFromStoredJson()
    {
        const string json = """
            {"00080023":{"vr":"DA","Value":["20240102"]},"00080033":{"vr":"TM","Value":["101010"]},
             "0040A043":{"vr":"SQ","Value":[{"00080100":{"vr":"SH","Value":["18748-4"]},"00080102":{"vr":"SH","Value":["LN"]}}]},
             "0040A491":{"vr":"CS","Value":["PARTIAL"]},"0040A493":{"vr":"CS","Value":["UNVERIFIED"]}}
            """;
        var record = Record("1.1", "A", 4, json) with { SopClassUid = "1.2.840.10008.5.1.4.1.1.88.22" };

        var items = await RecordsAsync(MediaFileSet.Create([record], _ => Explicit));

        var sr = items[3];
        Assert.That(sr.GetAsciiString(DicomTags.DirectoryRecordType), Is.EqualTo("SR DOCUMENT"));
        Assert.That(sr.GetAsciiString(DicomTags.CompletionFlag), Is.EqualTo("PARTIAL"));
        Assert.That(sr.GetAsciiString(DicomTags.ContentDate), Is.EqualTo("20240102"));
        Assert.That(sr.GetAsciiString(DicomTags.InstanceNumber), Is.EqualTo("4"));
        Assert.That(sr.Find(DicomTags.ConceptNameCodeSequence)!.Items![0].GetAsciiString(new DicomTag(0x00080100)), Is.EqualTo("18748-4"));
        Assert.That(sr.Contains(DicomTags.VerificationDateTime), Is.False, "Type 1C, absent from the instance");
    }

    private static async Task<List<DicomDataset>> RecordsAsync(MediaFileSet set)
    {
        using var stream = new MemoryStream(set.WriteDicomDir());
        var file = await DicomReader.ReadAsync(stream);
        return [.. file.Dataset.Find(DicomTags.DirectoryRecordSequence)!.Items!];
    }

    private static InstanceRecord Record(string sop, string series, int number, string json = "{}")
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }
        return new InstanceRecord
        {
            StudyInstanceUid = "1",
            StudyDate = "20240101",
            PatientId = "PID",
            PatientName = "Doe^Jane",
            SeriesInstanceUid = series,
            Modality = "CT",
            SeriesNumber = 3,
            SopInstanceUid = sop,
            SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
            InstanceNumber = number,
            TransferSyntaxUid = Explicit.Uid,
            Size = 1,
            Sha256 = [1],
            BlobKey = sop,
            MetadataJson = compressed.ToArray(),
        };
    }
}
