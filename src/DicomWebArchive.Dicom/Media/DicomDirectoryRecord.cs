namespace DicomWebArchive.Dicom.Media;

/// <summary>
/// A directory record of a DICOMDIR (PS3.3 F.3.2.2): its type ("PATIENT", "IMAGE", …), its keys (PS3.3 F.5), the
/// file it references, if any, and the records of the lower-level directory entity it points to.
/// </summary>
/// <remarks>The offsets and the Record In-use Flag are not part of <see cref="Keys"/>: <see cref="DicomDirectoryWriter"/> adds them.</remarks>
public sealed class DicomDirectoryRecord(string type, DicomDataset keys)
{
    public string Type { get; } = type;

    public DicomDataset Keys { get; } = keys;

    public DicomFileReference? File { get; init; }

    public IReadOnlyList<DicomDirectoryRecord> Children { get; init; } = [];
}

/// <summary>The file a record references (Referenced File ID and the Referenced … in File attributes, PS3.3 F.3.2.2).</summary>
/// <param name="FileId">The components of the File ID (PS3.10 §8.5), e.g. ["DICOM", "P0000001", "IM000001"].</param>
public sealed record DicomFileReference(IReadOnlyList<string> FileId, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid);
