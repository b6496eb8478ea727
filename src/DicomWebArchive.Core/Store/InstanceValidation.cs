using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Store;

/// <summary>Checks made before anything is indexed: the UIDs that name the instance in URLs and in the index.</summary>
internal static class InstanceValidation
{
    // Longer values are not echoed back in the response: they are not UIDs and may be huge.
    private const int MaxEchoedLength = 256;

    public static StoreIdentity ReadIdentity(DicomDataset dataset) => new(
        Echo(dataset.GetAsciiString(DicomTags.SOPClassUID)),
        Echo(dataset.GetAsciiString(DicomTags.SOPInstanceUID)),
        Echo(dataset.GetAsciiString(DicomTags.StudyInstanceUID)),
        Echo(dataset.GetAsciiString(DicomTags.SeriesInstanceUID)));

    public static StoreOutcome? Validate(DicomFile file, StoreIdentity identity, string? requiredStudyInstanceUid)
    {
        if (!file.TransferSyntax.IsKnown)
        {
            // Frames cannot be located nor the data set converted for retrieval.
            return StoreOutcome.Failed(StoreFailureReason.TransferSyntaxNotSupported, $"Transfer syntax {file.TransferSyntax.Uid} is not supported.", identity);
        }
        if (!IsValid(identity.SopClassUid))
        {
            return Invalid("SOP Class UID (0008,0016) is missing or not a valid UID.", identity);
        }
        if (!IsValid(identity.SopInstanceUid))
        {
            return Invalid("SOP Instance UID (0008,0018) is missing or not a valid UID.", identity);
        }
        if (!IsValid(identity.StudyInstanceUid))
        {
            return Invalid("Study Instance UID (0020,000D) is missing or not a valid UID.", identity);
        }
        if (!IsValid(identity.SeriesInstanceUid))
        {
            return Invalid("Series Instance UID (0020,000E) is missing or not a valid UID.", identity);
        }
        if (file.Meta.GetAsciiString(DicomTags.MediaStorageSOPClassUID) != identity.SopClassUid)
        {
            return Invalid("Media Storage SOP Class UID (0002,0002) does not match SOP Class UID (0008,0016).", identity);
        }
        if (file.Meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID) != identity.SopInstanceUid)
        {
            return Invalid("Media Storage SOP Instance UID (0002,0003) does not match SOP Instance UID (0008,0018).", identity);
        }
        if (requiredStudyInstanceUid is not null && requiredStudyInstanceUid != identity.StudyInstanceUid)
        {
            return StoreOutcome.Failed(StoreFailureReason.StudyInstanceUidMismatch, "Study Instance UID (0020,000D) differs from the study of the request URL.", identity);
        }
        return null;
    }

    private static bool IsValid(string? uid) => uid is not null && DicomUid.IsValid(uid);

    private static StoreOutcome Invalid(string message, StoreIdentity identity) =>
        StoreOutcome.Failed(StoreFailureReason.DataSetDoesNotMatchSopClass, message, identity);

    private static string? Echo(string? value) => value is { Length: <= MaxEchoedLength } ? value : null;
}
