namespace DicomWebArchive.Dicom.Media;

/// <summary>Whether a key must have a value (Type 1), must be present but may be empty (Type 2), or is present only when the instance has it (Type 1C).</summary>
public enum DicomKeyType
{
    Type1,
    Type2,
    Type1C,
}

/// <summary>A key of a directory record (PS3.3 F.5).</summary>
public readonly record struct DicomDirectoryKey(DicomTag Tag, DicomKeyType Type);

/// <summary>Directory Record Types (0004,1430) of the Basic Directory IOD (PS3.3 Table F.4-1) and the record that fits a SOP class.</summary>
public static class DicomDirectoryRecordTypes
{
    public const string Patient = "PATIENT";
    public const string Study = "STUDY";
    public const string Series = "SERIES";
    public const string Image = "IMAGE";
    public const string SrDocument = "SR DOCUMENT";
    public const string KeyObjectDocument = "KEY OBJECT DOC";
    public const string Presentation = "PRESENTATION";
    public const string EncapsulatedDocument = "ENCAP DOC";
    public const string Waveform = "WAVEFORM";
    public const string RtDose = "RT DOSE";
    public const string RtStructureSet = "RT STRUCTURE SET";
    public const string RtPlan = "RT PLAN";
    public const string RtTreatmentRecord = "RT TREAT RECORD";
    public const string Registration = "REGISTRATION";
    public const string Fiducial = "FIDUCIAL";
    public const string RawData = "RAW DATA";

    private const string StoragePrefix = "1.2.840.10008.5.1.4.1.1.";

    /// <summary>
    /// The instance-level record for a SOP class. Classes this table does not name get an IMAGE record, the one every
    /// media viewer lists; a file-set reader still finds the file and its SOP class in the record.
    /// </summary>
    public static string ForSopClass(string sopClassUid)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        if (!sopClassUid.StartsWith(StoragePrefix, StringComparison.Ordinal))
        {
            return Image;
        }
        var rest = sopClassUid.AsSpan(StoragePrefix.Length);
        return rest switch
        {
            "88.59" => KeyObjectDocument,
            _ when rest.StartsWith("88.") => SrDocument,
            _ when rest.StartsWith("11.") => Presentation,
            _ when rest.StartsWith("104.") => EncapsulatedDocument,
            _ when rest.StartsWith("9.") => Waveform,
            "481.2" => RtDose,
            "481.3" => RtStructureSet,
            "481.5" or "481.8" => RtPlan,
            "481.4" or "481.6" or "481.7" or "481.9" => RtTreatmentRecord,
            "66.1" or "66.3" => Registration,
            "66.2" => Fiducial,
            "66" => RawData,
            _ => Image,
        };
    }

    /// <summary>
    /// The keys of an instance-level record besides Specific Character Set and the Referenced … in File attributes
    /// (PS3.3 F.5).
    /// </summary>
    public static IReadOnlyList<DicomDirectoryKey> InstanceKeys(string recordType) => recordType switch
    {
        SrDocument =>
        [
            Required(DicomTags.InstanceNumber), Required(DicomTags.CompletionFlag), Required(DicomTags.VerificationFlag),
            Required(DicomTags.ContentDate), Required(DicomTags.ContentTime), Conditional(DicomTags.VerificationDateTime),
            Required(DicomTags.ConceptNameCodeSequence),
        ],
        KeyObjectDocument => [Required(DicomTags.InstanceNumber), Required(DicomTags.ContentDate), Required(DicomTags.ContentTime), Required(DicomTags.ConceptNameCodeSequence)],
        Presentation =>
        [
            Required(DicomTags.InstanceNumber), Required(DicomTags.PresentationCreationDate), Required(DicomTags.PresentationCreationTime),
            Required(DicomTags.ContentLabel), Optional(DicomTags.ContentDescription), Optional(DicomTags.ContentCreatorName),
            Conditional(DicomTags.ReferencedSeriesSequence),
        ],
        EncapsulatedDocument =>
        [
            Optional(DicomTags.ContentDate), Optional(DicomTags.ContentTime), Required(DicomTags.InstanceNumber), Optional(DicomTags.DocumentTitle),
            Conditional(DicomTags.HL7InstanceIdentifier), Optional(DicomTags.ConceptNameCodeSequence), Required(DicomTags.MIMETypeOfEncapsulatedDocument),
        ],
        Waveform or RawData => [Required(DicomTags.InstanceNumber), Required(DicomTags.ContentDate), Required(DicomTags.ContentTime)],
        RtDose => [Required(DicomTags.InstanceNumber), Required(DicomTags.DoseSummationType)],
        RtStructureSet => [Required(DicomTags.InstanceNumber), Required(DicomTags.StructureSetLabel), Optional(DicomTags.StructureSetDate), Optional(DicomTags.StructureSetTime)],
        RtPlan => [Required(DicomTags.InstanceNumber), Required(DicomTags.RTPlanLabel), Optional(DicomTags.RTPlanDate), Optional(DicomTags.RTPlanTime)],
        RtTreatmentRecord => [Required(DicomTags.InstanceNumber), Optional(DicomTags.TreatmentDate), Optional(DicomTags.TreatmentTime)],
        Registration or Fiducial =>
        [
            Required(DicomTags.ContentDate), Required(DicomTags.ContentTime), Required(DicomTags.InstanceNumber), Required(DicomTags.ContentLabel),
            Optional(DicomTags.ContentDescription), Optional(DicomTags.ContentCreatorName),
        ],
        _ => [Required(DicomTags.InstanceNumber)],
    };

    private static DicomDirectoryKey Required(DicomTag tag) => new(tag, DicomKeyType.Type1);

    private static DicomDirectoryKey Optional(DicomTag tag) => new(tag, DicomKeyType.Type2);

    private static DicomDirectoryKey Conditional(DicomTag tag) => new(tag, DicomKeyType.Type1C);
}
