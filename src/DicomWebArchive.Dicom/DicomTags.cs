namespace DicomWebArchive.Dicom;

/// <summary>Tags the code refers to by name (DICOM keywords). The full dictionary is <see cref="DicomDictionary"/>.</summary>
public static class DicomTags
{
    public static readonly DicomTag FileMetaInformationGroupLength = new(0x00020000);
    public static readonly DicomTag FileMetaInformationVersion = new(0x00020001);
    public static readonly DicomTag MediaStorageSOPClassUID = new(0x00020002);
    public static readonly DicomTag MediaStorageSOPInstanceUID = new(0x00020003);
    public static readonly DicomTag TransferSyntaxUID = new(0x00020010);
    public static readonly DicomTag ImplementationClassUID = new(0x00020012);
    public static readonly DicomTag ImplementationVersionName = new(0x00020013);

    public static readonly DicomTag FileSetID = new(0x00041130);
    public static readonly DicomTag OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity = new(0x00041200);
    public static readonly DicomTag OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity = new(0x00041202);
    public static readonly DicomTag FileSetConsistencyFlag = new(0x00041212);
    public static readonly DicomTag DirectoryRecordSequence = new(0x00041220);
    public static readonly DicomTag OffsetOfTheNextDirectoryRecord = new(0x00041400);
    public static readonly DicomTag RecordInUseFlag = new(0x00041410);
    public static readonly DicomTag OffsetOfReferencedLowerLevelDirectoryEntity = new(0x00041420);
    public static readonly DicomTag DirectoryRecordType = new(0x00041430);
    public static readonly DicomTag ReferencedFileID = new(0x00041500);
    public static readonly DicomTag ReferencedSOPClassUIDInFile = new(0x00041510);
    public static readonly DicomTag ReferencedSOPInstanceUIDInFile = new(0x00041511);
    public static readonly DicomTag ReferencedTransferSyntaxUIDInFile = new(0x00041512);

    public static readonly DicomTag SpecificCharacterSet = new(0x00080005);
    public static readonly DicomTag InstanceCoercionDateTime = new(0x00080015);
    public static readonly DicomTag SOPClassUID = new(0x00080016);
    public static readonly DicomTag SOPInstanceUID = new(0x00080018);
    public static readonly DicomTag StudyDate = new(0x00080020);
    public static readonly DicomTag SeriesDate = new(0x00080021);
    public static readonly DicomTag ContentDate = new(0x00080023);
    public static readonly DicomTag StudyTime = new(0x00080030);
    public static readonly DicomTag SeriesTime = new(0x00080031);
    public static readonly DicomTag ContentTime = new(0x00080033);
    public static readonly DicomTag AccessionNumber = new(0x00080050);
    public static readonly DicomTag InstanceAvailability = new(0x00080056);
    public static readonly DicomTag Modality = new(0x00080060);
    public static readonly DicomTag ModalitiesInStudy = new(0x00080061);
    public static readonly DicomTag SOPClassesInStudy = new(0x00080062);
    public static readonly DicomTag ReferringPhysicianName = new(0x00080090);
    public static readonly DicomTag TimezoneOffsetFromUTC = new(0x00080201);
    public static readonly DicomTag StudyDescription = new(0x00081030);
    public static readonly DicomTag SeriesDescription = new(0x0008103E);
    public static readonly DicomTag ReferencedSeriesSequence = new(0x00081115);
    public static readonly DicomTag ReferencedSOPClassUID = new(0x00081150);
    public static readonly DicomTag ReferencedSOPInstanceUID = new(0x00081155);
    public static readonly DicomTag RetrieveURL = new(0x00081190);
    public static readonly DicomTag WarningReason = new(0x00081196);
    public static readonly DicomTag FailureReason = new(0x00081197);
    public static readonly DicomTag FailedSOPSequence = new(0x00081198);
    public static readonly DicomTag ReferencedSOPSequence = new(0x00081199);

    public static readonly DicomTag PatientName = new(0x00100010);
    public static readonly DicomTag PatientID = new(0x00100020);
    public static readonly DicomTag PatientBirthDate = new(0x00100030);
    public static readonly DicomTag PatientSex = new(0x00100040);

    public static readonly DicomTag StudyInstanceUID = new(0x0020000D);
    public static readonly DicomTag SeriesInstanceUID = new(0x0020000E);
    public static readonly DicomTag StudyID = new(0x00200010);
    public static readonly DicomTag SeriesNumber = new(0x00200011);
    public static readonly DicomTag InstanceNumber = new(0x00200013);
    public static readonly DicomTag NumberOfStudyRelatedSeries = new(0x00201206);
    public static readonly DicomTag NumberOfStudyRelatedInstances = new(0x00201208);
    public static readonly DicomTag NumberOfSeriesRelatedInstances = new(0x00201209);

    public static readonly DicomTag SamplesPerPixel = new(0x00280002);
    public static readonly DicomTag PhotometricInterpretation = new(0x00280004);
    public static readonly DicomTag PlanarConfiguration = new(0x00280006);
    public static readonly DicomTag NumberOfFrames = new(0x00280008);
    public static readonly DicomTag Rows = new(0x00280010);
    public static readonly DicomTag Columns = new(0x00280011);
    public static readonly DicomTag BitsAllocated = new(0x00280100);
    public static readonly DicomTag BitsStored = new(0x00280101);
    public static readonly DicomTag HighBit = new(0x00280102);
    public static readonly DicomTag PixelRepresentation = new(0x00280103);
    public static readonly DicomTag WindowCenter = new(0x00281050);
    public static readonly DicomTag WindowWidth = new(0x00281051);
    public static readonly DicomTag RescaleIntercept = new(0x00281052);
    public static readonly DicomTag RescaleSlope = new(0x00281053);

    public static readonly DicomTag DocumentTitle = new(0x00420010);
    public static readonly DicomTag MIMETypeOfEncapsulatedDocument = new(0x00420012);

    public static readonly DicomTag PerformedProcedureStepStartDate = new(0x00400244);
    public static readonly DicomTag PerformedProcedureStepStartTime = new(0x00400245);
    public static readonly DicomTag VerificationDateTime = new(0x0040A030);
    public static readonly DicomTag ConceptNameCodeSequence = new(0x0040A043);
    public static readonly DicomTag CompletionFlag = new(0x0040A491);
    public static readonly DicomTag VerificationFlag = new(0x0040A493);
    public static readonly DicomTag HL7InstanceIdentifier = new(0x0040E001);

    public static readonly DicomTag ContentLabel = new(0x00700080);
    public static readonly DicomTag ContentDescription = new(0x00700081);
    public static readonly DicomTag PresentationCreationDate = new(0x00700082);
    public static readonly DicomTag PresentationCreationTime = new(0x00700083);
    public static readonly DicomTag ContentCreatorName = new(0x00700084);

    public static readonly DicomTag ModifiedAttributesSequence = new(0x04000550);
    public static readonly DicomTag OriginalAttributesSequence = new(0x04000561);
    public static readonly DicomTag AttributeModificationDateTime = new(0x04000562);
    public static readonly DicomTag ModifyingSystem = new(0x04000563);
    public static readonly DicomTag SourceOfPreviousValues = new(0x04000564);
    public static readonly DicomTag ReasonForTheAttributeModification = new(0x04000565);

    public static readonly DicomTag DoseSummationType = new(0x3004000A);
    public static readonly DicomTag StructureSetLabel = new(0x30060002);
    public static readonly DicomTag StructureSetDate = new(0x30060008);
    public static readonly DicomTag StructureSetTime = new(0x30060009);
    public static readonly DicomTag RTPlanLabel = new(0x300A0002);
    public static readonly DicomTag RTPlanDate = new(0x300A0006);
    public static readonly DicomTag RTPlanTime = new(0x300A0007);
    public static readonly DicomTag TreatmentDate = new(0x30080250);
    public static readonly DicomTag TreatmentTime = new(0x30080251);

    public static readonly DicomTag ExtendedOffsetTable = new(0x7FE00001);
    public static readonly DicomTag ExtendedOffsetTableLengths = new(0x7FE00002);
    public static readonly DicomTag FloatPixelData = new(0x7FE00008);
    public static readonly DicomTag DoubleFloatPixelData = new(0x7FE00009);
    public static readonly DicomTag PixelData = new(0x7FE00010);

    public static readonly DicomTag Item = new(0xFFFEE000);
    public static readonly DicomTag ItemDelimitationItem = new(0xFFFEE00D);
    public static readonly DicomTag SequenceDelimitationItem = new(0xFFFEE0DD);
}
