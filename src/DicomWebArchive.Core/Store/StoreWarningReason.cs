namespace DicomWebArchive.Core.Store;

/// <summary>Warning Reason (0008,1196) values of PS3.18 Table I.2-1 (the C-STORE warnings of PS3.4 B.2.3), as reported in ReferencedSOPSequence.</summary>
public static class StoreWarningReason
{
    /// <summary>The archive changed what it stores: here, a File Meta Information group rebuilt to match the data set.</summary>
    public const ushort CoercionOfDataElements = 0xB000;

    /// <summary>Stored as sent although the data set does not conform (UID components with leading zeros).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xB007;
}
