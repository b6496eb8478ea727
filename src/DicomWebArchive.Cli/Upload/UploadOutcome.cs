namespace DicomWebArchive.Cli.Upload;

internal enum UploadStatus
{
    Stored,
    Warning,
    Refused,
    Failed,
    Skipped,
    NotDicom,
}

/// <summary>What became of one file: the server's verdict, or why it was not sent.</summary>
internal sealed record UploadOutcome(string Name, UploadStatus Status, string? Detail = null)
{
    /// <summary>Refused by the server or never delivered; DICOM that is not an instance (DICOMDIR) and files that are not DICOM are skipped, not failed.</summary>
    public bool IsFailure => Status is UploadStatus.Refused or UploadStatus.Failed;
}
