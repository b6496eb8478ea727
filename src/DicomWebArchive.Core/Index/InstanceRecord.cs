namespace DicomWebArchive.Core.Index;

/// <summary>Everything the index stores for one instance, written in one transaction with its study and series rows.</summary>
public sealed record InstanceRecord
{
    // Study level (PS3.18 Table 10.6.3-3 match/return keys)
    public required string StudyInstanceUid { get; init; }
    public string? StudyDate { get; init; }
    public string? StudyTime { get; init; }
    public string? AccessionNumber { get; init; }
    public string? StudyId { get; init; }
    public string? StudyDescription { get; init; }
    public string? ReferringPhysicianName { get; init; }
    public string? PatientName { get; init; }
    public string? PatientId { get; init; }
    public string? PatientBirthDate { get; init; }
    public string? PatientSex { get; init; }
    public string? TimezoneOffsetFromUtc { get; init; }

    /// <summary>The value of the per-study access attribute (Auth:StudyAccess:Attribute); null when off or absent.</summary>
    public string? AccessKey { get; init; }

    // Series level (Table 10.6.3-4)
    public required string SeriesInstanceUid { get; init; }
    public string? Modality { get; init; }
    public int? SeriesNumber { get; init; }
    public string? SeriesDescription { get; init; }
    public string? SeriesDate { get; init; }
    public string? SeriesTime { get; init; }
    public string? PerformedProcedureStepStartDate { get; init; }
    public string? PerformedProcedureStepStartTime { get; init; }

    // Instance level (Table 10.6.3-5)
    public required string SopInstanceUid { get; init; }
    public required string SopClassUid { get; init; }
    public int? InstanceNumber { get; init; }
    public int? Rows { get; init; }
    public int? Columns { get; init; }
    public int? BitsAllocated { get; init; }
    public int? NumberOfFrames { get; init; }

    // Storage
    public required string TransferSyntaxUid { get; init; }
    public required long Size { get; init; }
    public required byte[] Sha256 { get; init; }
    public required string BlobKey { get; init; }
    public string Tier { get; init; } = "hot";
    public long? PixelDataOffset { get; init; }

    /// <summary>Per frame, the byte ranges of the stored blob holding it; see <see cref="FrameTable"/>.</summary>
    public byte[]? FrameTable { get; init; }

    /// <summary>The instance's DICOM JSON (PS3.18 Annex F), compressed, so metadata is served without re-parsing.</summary>
    public required byte[] MetadataJson { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    public InstanceContent ToContent() => new()
    {
        StudyInstanceUid = StudyInstanceUid,
        SeriesInstanceUid = SeriesInstanceUid,
        SopInstanceUid = SopInstanceUid,
        PatientId = PatientId,
        TransferSyntaxUid = TransferSyntaxUid,
        Size = Size,
        Sha256 = Sha256,
        BlobKey = BlobKey,
        Tier = Tier,
        MetadataJson = MetadataJson,
    };
}

/// <summary>What the index already holds for a SOP Instance UID.</summary>
public sealed record StoredInstance(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string SopClassUid, byte[] Sha256, string BlobKey);

public enum AddInstanceResult
{
    Added,
    /// <summary>The SOP Instance UID was already stored with the same bytes; nothing changed.</summary>
    AlreadyStored,
    /// <summary>The SOP Instance UID was already stored with different bytes; nothing changed.</summary>
    Conflict,
    /// <summary>The SOP Instance UID was already stored with different bytes and has been replaced.</summary>
    Replaced,
    /// <summary>
    /// The instance would land in a study outside the caller's access, or its SOP Instance UID is stored in one;
    /// nothing changed (and nothing tells whether the instance was already there).
    /// </summary>
    NotAuthorized,
}
