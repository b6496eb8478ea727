using System.Buffers.Binary;
using System.Text;
using DicomWebArchive.Dicom.Media;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Media;

/// <summary>The offsets are checked by walking the bytes from the root offsets, with a reader written here for it.</summary>
public sealed class DicomDirectoryWriterTests
{
    private static DicomDirectoryRecord Image(string patient, string series, int number) => new(
        DicomDirectoryRecordTypes.Image,
        new DicomDatasetBuilder().AddString(DicomTags.InstanceNumber, DicomVR.IS, number.ToString(System.Globalization.CultureInfo.InvariantCulture)).Build())
    {
        File = new DicomFileReference(["DICOM", patient, series, $"IM{number:000000}"], "1.2.840.10008.5.1.4.1.1.2", $"1.2.3.{number}", "1.2.840.10008.1.2.1"),
    };

    private static DicomDirectoryRecord Series(string patient, string name, int images) => new(
        DicomDirectoryRecordTypes.Series,
        new DicomDatasetBuilder().AddString(DicomTags.Modality, DicomVR.CS, "CT").Build())
    {
        Children = [.. Enumerable.Range(1, images).Select(i => Image(patient, name, i))],
    };

    private static DicomDirectoryRecord Patient(string name, string id, params DicomDirectoryRecord[] series) => new(
        DicomDirectoryRecordTypes.Patient,
        new DicomDatasetBuilder().AddString(DicomTags.PatientID, DicomVR.LO, id).AddString(DicomTags.PatientName, DicomVR.PN, "Doe^J").Build())
    {
        Children = [new DicomDirectoryRecord(DicomDirectoryRecordTypes.Study, new DicomDatasetBuilder().AddString(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3").Build()) { Children = series }],
    };

    [Test]
    public void Write_TwoPatients_RootOffsetsAndChainsReachEveryRecordInTreeOrder()
    {
        DicomDirectoryRecord[] roots =
        [
            Patient("P0000001", "ABC", Series("P0000001", "SE000001", 2), Series("P0000001", "SE000002", 3)),
            Patient("P0000002", "XYZW", Series("P0000002", "SE000001", 1)),
        ];

        var file = DicomDirectoryWriter.Write(roots, "TEST", "1.2.3.4");

        var top = TopLevel(file);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(top[DicomTags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity.Value]);
        uint last = BinaryPrimitives.ReadUInt32LittleEndian(top[DicomTags.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity.Value]);
        var walked = Walk(file, first, 0);
        Assert.That(walked, Is.EqualTo(new[]
        {
            "0 PATIENT ABC", "1 STUDY", "2 SERIES", "3 IMAGE DICOM\\P0000001\\SE000001\\IM000001", "3 IMAGE DICOM\\P0000001\\SE000001\\IM000002",
            "2 SERIES", "3 IMAGE DICOM\\P0000001\\SE000002\\IM000001", "3 IMAGE DICOM\\P0000001\\SE000002\\IM000002", "3 IMAGE DICOM\\P0000001\\SE000002\\IM000003",
            "0 PATIENT XYZW", "1 STUDY", "2 SERIES", "3 IMAGE DICOM\\P0000002\\SE000001\\IM000001",
        }));
        Assert.That(Record(file, last)[DicomTags.PatientID.Value], Is.EqualTo("XYZW"u8.ToArray()));
    }

    [Test]
    public void Write_OddLengthValues_PaddedToEvenLength()
    {
        var file = DicomDirectoryWriter.Write([Patient("P0000001", "ABC", Series("P0000001", "SE000001", 1))], "ODD", "1.2.3.4.5");

        var top = TopLevel(file);
        var patient = Record(file, BinaryPrimitives.ReadUInt32LittleEndian(top[DicomTags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity.Value]));
        Assert.That(top[DicomTags.FileSetID.Value], Is.EqualTo("ODD "u8.ToArray()));
        Assert.That(patient[DicomTags.PatientID.Value], Is.EqualTo("ABC "u8.ToArray()));
        Assert.That(patient[DicomTags.PatientName.Value], Is.EqualTo("Doe^J "u8.ToArray()));
        Assert.That(patient[DicomTags.DirectoryRecordType.Value], Is.EqualTo("PATIENT "u8.ToArray()));
        Assert.That(patient[DicomTags.RecordInUseFlag.Value], Is.EqualTo(new byte[] { 0xFF, 0xFF }));
    }

    [Test]
    public void Write_FileMeta_MediaStorageDirectoryStorageInExplicitLittleEndian()
    {
        var file = DicomDirectoryWriter.Write([], "", "1.2.3.4");

        var text = Encoding.ASCII.GetString(file);
        Assert.That(file.AsSpan(128, 4).ToArray(), Is.EqualTo("DICM"u8.ToArray()));
        Assert.That(text, Does.Contain("1.2.840.10008.1.3.10\0").And.Contain("1.2.840.10008.1.2.1\0").And.Contain("1.2.3.4\0"));
        var top = TopLevel(file);
        Assert.That(top[DicomTags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity.Value], Is.EqualTo(new byte[4]));
        Assert.That(top[DicomTags.FileSetConsistencyFlag.Value], Is.EqualTo(new byte[2]));
    }

    [TestCase("dicom")]
    [TestCase("IM0000001")]
    [TestCase("")]
    [TestCase("IM-1")]
    [TestCase("IM.DCM")]
    public void Write_BadFileIdComponent_Throws(string component)
    {
        var record = new DicomDirectoryRecord(DicomDirectoryRecordTypes.Image, DicomDataset.Empty)
        {
            File = new DicomFileReference(["DICOM", component], "1.2", "1.2.3", "1.2.840.10008.1.2.1"),
        };

        Assert.That(() => DicomDirectoryWriter.Write([record], "", "1.2.3"), Throws.ArgumentException);
    }

    [Test]
    public void Write_NineLevels_Throws()
    {
        var record = new DicomDirectoryRecord(DicomDirectoryRecordTypes.Image, DicomDataset.Empty)
        {
            File = new DicomFileReference([.. Enumerable.Repeat("A", 9)], "1.2", "1.2.3", "1.2.840.10008.1.2.1"),
        };

        Assert.That(() => DicomDirectoryWriter.Write([record], "", "1.2.3"), Throws.ArgumentException);
    }

    [TestCase("lower")]
    [TestCase("SEVENTEEN_CHARS_X")]
    public void Write_BadFileSetId_Throws(string id) =>
        Assert.That(() => DicomDirectoryWriter.Write([], id, "1.2.3"), Throws.ArgumentException);

    [Test]
    public void Write_DcmdumpReadsItWithoutWarnings()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, DicomDirectoryWriter.Write([Patient("P0000001", "ABC", Series("P0000001", "SE000001", 2))], "TEST", "1.2.3.4"));

            var (exitCode, stdout, stderr) = ExternalTool.Run("dcmdump", path);

            Assert.That(exitCode, Is.Zero, stderr);
            Assert.That(stderr, Is.Empty);
            Assert.That(stdout, Does.Contain("=MediaStorageDirectoryStorage").And.Contain("\"Directory Record\" IMAGE"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("1.2.840.10008.5.1.4.1.1.2", "IMAGE")]
    [TestCase("1.2.840.10008.5.1.4.1.1.88.11", "SR DOCUMENT")]
    [TestCase("1.2.840.10008.5.1.4.1.1.88.59", "KEY OBJECT DOC")]
    [TestCase("1.2.840.10008.5.1.4.1.1.11.1", "PRESENTATION")]
    [TestCase("1.2.840.10008.5.1.4.1.1.104.1", "ENCAP DOC")]
    [TestCase("1.2.840.10008.5.1.4.1.1.9.1.1", "WAVEFORM")]
    [TestCase("1.2.840.10008.5.1.4.1.1.481.2", "RT DOSE")]
    [TestCase("1.2.840.10008.5.1.4.1.1.481.3", "RT STRUCTURE SET")]
    [TestCase("1.2.840.10008.5.1.4.1.1.66", "RAW DATA")]
    [TestCase("1.2.840.10008.5.1.4.1.1.66.4", "IMAGE")]
    [TestCase("1.2.3.4", "IMAGE")]
    public void ForSopClass_KnownClasses_TheirRecordType(string sopClass, string expected) =>
        Assert.That(DicomDirectoryRecordTypes.ForSopClass(sopClass), Is.EqualTo(expected));

    [TestCase("DICOM", true)]
    [TestCase("IM_00001", true)]
    [TestCase("IM000001X", false)]
    [TestCase("im000001", false)]
    [TestCase("", false)]
    public void IsValidComponent_Rules(string component, bool valid) =>
        Assert.That(DicomFileId.IsValidComponent(component), Is.EqualTo(valid));

    /// <summary>Depth-first walk by the offsets: "depth TYPE key" per record.</summary>
    private static List<string> Walk(byte[] file, uint offset, int depth)
    {
        var lines = new List<string>();
        while (offset != 0)
        {
            var record = Record(file, offset);
            string type = Encoding.ASCII.GetString(record[DicomTags.DirectoryRecordType.Value]).TrimEnd();
            string key = record.TryGetValue(DicomTags.PatientID.Value, out var id) ? " " + Encoding.ASCII.GetString(id).TrimEnd()
                : record.TryGetValue(DicomTags.ReferencedFileID.Value, out var fileId) ? " " + Encoding.ASCII.GetString(fileId).TrimEnd()
                : "";
            lines.Add($"{depth} {type}{key}");
            uint lower = BinaryPrimitives.ReadUInt32LittleEndian(record[DicomTags.OffsetOfReferencedLowerLevelDirectoryEntity.Value]);
            if (lower != 0)
            {
                lines.AddRange(Walk(file, lower, depth + 1));
            }
            offset = BinaryPrimitives.ReadUInt32LittleEndian(record[DicomTags.OffsetOfTheNextDirectoryRecord.Value]);
        }
        return lines;
    }

    /// <summary>The item at <paramref name="offset"/>, which must be an item tag with a defined length.</summary>
    private static Dictionary<uint, byte[]> Record(byte[] file, uint offset)
    {
        Assert.That(Tag(file, (int)offset), Is.EqualTo(DicomTags.Item.Value), $"an item starts at {offset}");
        int length = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)offset + 4));
        return Elements(file, (int)offset + 8, (int)offset + 8 + length);
    }

    /// <summary>The data set's top-level elements after the File Meta group (sequences as their raw value).</summary>
    private static Dictionary<uint, byte[]> TopLevel(byte[] file)
    {
        int metaLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(140));
        return Elements(file, 144 + metaLength, file.Length);
    }

    private static Dictionary<uint, byte[]> Elements(byte[] file, int position, int end)
    {
        var elements = new Dictionary<uint, byte[]>();
        while (position < end)
        {
            uint tag = Tag(file, position);
            string vr = Encoding.ASCII.GetString(file, position + 4, 2);
            bool longLength = vr is "OB" or "OW" or "SQ" or "UN" or "UT" or "UC" or "UR" or "OD" or "OF" or "OL" or "OV" or "SV" or "UV";
            int length = longLength ? BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(position + 8)) : BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(position + 6));
            int header = longLength ? 12 : 8;
            Assert.That(length, Is.GreaterThanOrEqualTo(0), "defined lengths only");
            Assert.That(length % 2, Is.Zero, $"({tag:X8}) has an even length");
            elements[tag] = file.AsSpan(position + header, length).ToArray();
            position += header + length;
        }
        return elements;
    }

    private static uint Tag(byte[] file, int position) =>
        ((uint)BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(position)) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(position + 2));
}
