namespace DicomWebArchive.Core.Store;

/// <summary>Failure Reason (0008,1197) values of PS3.18 Table I.2-2 and PS3.7, as reported in FailedSOPSequence.</summary>
public static class StoreFailureReason
{
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>Same SOP Instance UID already stored with different bytes (PS3.7 Annex C "Duplicate SOP Instance").</summary>
    public const ushort DuplicateSopInstance = 0x0111;

    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>PS3.7 "Refused: Not Authorized": the instance's study is outside the studies the caller may reach.</summary>
    public const ushort NotAuthorized = 0x0124;

    public const ushort OutOfResources = 0xA700;

    /// <summary>A UID that names the instance is missing or cannot serve as a key (empty, too long, not digits and dots, empty component).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>
    /// The instance's Study Instance UID differs from the one in the request URL. The standard has no dedicated
    /// code; this implementation-defined value sits in the A9xx "data set does not match" range so clients that
    /// only look at the range still read it as a data-set problem rather than a server fault.
    /// </summary>
    public const ushort StudyInstanceUidMismatch = 0xA901;

    /// <summary>The part is not a DICOM Part 10 stream that can be parsed.</summary>
    public const ushort CannotUnderstand = 0xC000;

    public const ushort TransferSyntaxNotSupported = 0xC122;

    /// <summary>
    /// True for the Cxxx "cannot understand" range except an unsupported transfer syntax: the input was malformed,
    /// rather than well-formed but refused (which a request answers with 409 instead of 400).
    /// </summary>
    public static bool IsMalformed(ushort reason) => reason is >= 0xC000 and <= 0xCFFF and not TransferSyntaxNotSupported;
}
