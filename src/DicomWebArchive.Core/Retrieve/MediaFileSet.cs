using System.Globalization;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Media;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// The instances of a retrieve laid out as a DICOM File-set (PS3.10, PS3.11 General Purpose profiles), for a ZIP a
/// media viewer can open: each instance gets a File ID DICOM/Pnnnnnnn/Snnnnnnn/SEnnnnnn/IMnnnnnn, and the DICOMDIR
/// lists them PATIENT → STUDY → SERIES → instance record. Keys come from the index rows; only instances whose record
/// is not IMAGE (SR, presentation states, documents…) have their stored DICOM JSON read for the keys of their record.
/// </summary>
/// <remarks>
/// Type 1 keys the index lacks are made up as dcmmkdir --invent does, so that viewers that sort or group by them work:
/// Patient ID and Study ID take the directory's name, Series and Instance Number the position in the series or
/// study, Modality "OT"; Study Date and Time fall back to the series' date and time.
/// </remarks>
public sealed class MediaFileSet
{
    /// <summary>The DICOMDIR's path in the file-set (its root).</summary>
    public const string DicomDirPath = "DICOMDIR";

    public const string FileSetId = "DICOMWEBARCHIVE";

    private const string Root = "DICOM";

    private readonly Dictionary<string, IReadOnlyList<string>> _fileIds = new(StringComparer.Ordinal);
    private readonly List<DicomDirectoryRecord> _patients = [];

    private MediaFileSet()
    {
    }

    /// <param name="records">The instances, in the order of the ZIP (the index's: series, then Instance Number).</param>
    /// <param name="sentAs">The transfer syntax each instance is written in.</param>
    public static MediaFileSet Create(IReadOnlyList<InstanceRecord> records, Func<InstanceRecord, TransferSyntax> sentAs)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(sentAs);
        var set = new MediaFileSet();
        var patients = records.GroupBy(r => (r.PatientId ?? "", r.PatientName ?? "")).ToList();
        for (int p = 0; p < patients.Count; p++)
        {
            string patientDirectory = Name("P", p + 1);
            var studies = patients[p].GroupBy(r => r.StudyInstanceUid, StringComparer.Ordinal).ToList();
            var studyRecords = new List<DicomDirectoryRecord>();
            for (int s = 0; s < studies.Count; s++)
            {
                string studyDirectory = Name("S", s + 1);
                var series = studies[s].GroupBy(r => r.SeriesInstanceUid, StringComparer.Ordinal).ToList();
                var seriesRecords = new List<DicomDirectoryRecord>();
                for (int e = 0; e < series.Count; e++)
                {
                    string seriesDirectory = Name("SE", e + 1);
                    var instances = series[e].ToList();
                    var instanceRecords = new List<DicomDirectoryRecord>();
                    for (int i = 0; i < instances.Count; i++)
                    {
                        var instance = instances[i];
                        IReadOnlyList<string> fileId = [Root, patientDirectory, studyDirectory, seriesDirectory, Name("IM", i + 1)];
                        set._fileIds[instance.SopInstanceUid] = fileId;
                        instanceRecords.Add(InstanceRecordOf(instance, i + 1, fileId, sentAs(instance)));
                    }
                    seriesRecords.Add(new DicomDirectoryRecord(DicomDirectoryRecordTypes.Series, SeriesKeys(instances[0], e + 1)) { Children = instanceRecords });
                }
                studyRecords.Add(new DicomDirectoryRecord(DicomDirectoryRecordTypes.Study, StudyKeys(studies[s].First(), studyDirectory)) { Children = seriesRecords });
            }
            set._patients.Add(new DicomDirectoryRecord(DicomDirectoryRecordTypes.Patient, PatientKeys(patients[p].First(), patientDirectory)) { Children = studyRecords });
        }
        return set;
    }

    /// <summary>The instance's path in the file-set (its ZIP entry name): the File ID's components joined by '/'.</summary>
    public string PathOf(string sopInstanceUid) => DicomFileId.ToPath(_fileIds[sopInstanceUid]);

    /// <summary>The DICOMDIR as a Part 10 file; a new file-set UID each time.</summary>
    public byte[] WriteDicomDir() => DicomDirectoryWriter.Write(_patients, FileSetId, DicomUid.Generate());

    private static DicomDataset PatientKeys(InstanceRecord first, string directory)
    {
        var keys = new DicomDatasetBuilder()
            .AddString(DicomTags.PatientName, DicomVR.PN, first.PatientName ?? "")
            .AddString(DicomTags.PatientID, DicomVR.LO, NonEmpty(first.PatientId) ?? directory);
        AddIfPresent(keys, DicomTags.PatientBirthDate, DicomVR.DA, first.PatientBirthDate);
        AddIfPresent(keys, DicomTags.PatientSex, DicomVR.CS, first.PatientSex);
        return keys.Build();
    }

    private static DicomDataset StudyKeys(InstanceRecord first, string directory) => new DicomDatasetBuilder()
        .AddString(DicomTags.StudyDate, DicomVR.DA, NonEmpty(first.StudyDate) ?? NonEmpty(first.SeriesDate) ?? "")
        .AddString(DicomTags.StudyTime, DicomVR.TM, NonEmpty(first.StudyTime) ?? NonEmpty(first.SeriesTime) ?? "")
        .AddString(DicomTags.AccessionNumber, DicomVR.SH, first.AccessionNumber ?? "")
        .AddString(DicomTags.StudyDescription, DicomVR.LO, first.StudyDescription ?? "")
        .AddString(DicomTags.StudyInstanceUID, DicomVR.UI, first.StudyInstanceUid)
        .AddString(DicomTags.StudyID, DicomVR.SH, NonEmpty(first.StudyId) ?? directory)
        .Build();

    private static DicomDataset SeriesKeys(InstanceRecord first, int position)
    {
        var keys = new DicomDatasetBuilder()
            .AddString(DicomTags.Modality, DicomVR.CS, NonEmpty(first.Modality) ?? "OT")
            .AddString(DicomTags.SeriesInstanceUID, DicomVR.UI, first.SeriesInstanceUid)
            .AddString(DicomTags.SeriesNumber, DicomVR.IS, Number(first.SeriesNumber ?? position));
        AddIfPresent(keys, DicomTags.SeriesDescription, DicomVR.LO, first.SeriesDescription);
        return keys.Build();
    }

    private static DicomDirectoryRecord InstanceRecordOf(InstanceRecord instance, int position, IReadOnlyList<string> fileId, TransferSyntax syntax)
    {
        string type = DicomDirectoryRecordTypes.ForSopClass(instance.SopClassUid);
        var keys = new DicomDatasetBuilder();
        var wanted = DicomDirectoryRecordTypes.InstanceKeys(type).Where(k => k.Tag != DicomTags.InstanceNumber).ToList();
        if (wanted.Count > 0)
        {
            using var metadata = MetadataKeys.Open(instance);
            foreach (var key in wanted)
            {
                if (!metadata.TryAdd(keys, key.Tag) && key.Type != DicomKeyType.Type1C)
                {
                    keys.AddBytes(key.Tag, DicomDictionary.TryGetEntry(key.Tag, out var entry) ? entry.VR : DicomVR.UN, []);
                }
            }
        }
        keys.AddString(DicomTags.InstanceNumber, DicomVR.IS, Number(instance.InstanceNumber ?? position));
        return new DicomDirectoryRecord(type, keys.Build())
        {
            File = new DicomFileReference(fileId, instance.SopClassUid, instance.SopInstanceUid, syntax.Uid),
        };
    }

    private static void AddIfPresent(DicomDatasetBuilder keys, DicomTag tag, DicomVR vr, string? value)
    {
        if (NonEmpty(value) is { } text)
        {
            keys.AddString(tag, vr, text);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A File ID component: the prefix and the position, zero-padded to eight characters.</summary>
    private static string Name(string prefix, int position) =>
        prefix + position.ToString(CultureInfo.InvariantCulture).PadLeft(8 - prefix.Length, '0');
}
