namespace DicomWebArchive.Core.Index;

/// <summary>
/// What serving an instance's bytes or metadata needs: where its blob is, how it is encoded, and its stored DICOM JSON.
/// Listing a 1,000-instance series as these costs a fraction of listing full <see cref="InstanceRecord"/>s.
/// </summary>
public sealed record InstanceContent
{
    public required string StudyInstanceUid { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public required string SopInstanceUid { get; init; }
    public string? PatientId { get; init; }
    public required string TransferSyntaxUid { get; init; }
    public required long Size { get; init; }
    public required byte[] Sha256 { get; init; }
    public required string BlobKey { get; init; }

    /// <summary>The tier the blob is in, as the index spells it (hot, cool, cold, archive).</summary>
    public string Tier { get; init; } = "hot";

    /// <summary>The instance's DICOM JSON (PS3.18 Annex F), compressed.</summary>
    public required byte[] MetadataJson { get; init; }
}
