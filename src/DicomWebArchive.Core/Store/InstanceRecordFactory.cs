using System.Buffers.Binary;
using System.Globalization;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Core.Store;

/// <summary>Builds the index row of a validated instance from its parsed header.</summary>
internal static class InstanceRecordFactory
{
    /// <param name="accessAttribute">The attribute whose value is the study's access key (Auth:StudyAccess:Attribute), or null.</param>
    /// <param name="shift">
    /// What to add to the reader's stream offsets to find the same bytes in the blob: 0 when the blob is the stream as
    /// received, the difference in header length when it is a copy with a corrected meta group.
    /// </param>
    public static InstanceRecord Create(DicomFile file, string blobKey, long size, byte[] sha256, int bulkDataThreshold, DicomTag? accessAttribute, long shift = 0)
    {
        var ds = file.Dataset;
        string study = ds.GetAsciiString(DicomTags.StudyInstanceUID)!;
        string series = ds.GetAsciiString(DicomTags.SeriesInstanceUID)!;
        string instance = ds.GetAsciiString(DicomTags.SOPInstanceUID)!;
        var frames = file.PixelData?.Frames;
        // Offsets in a deflated data set count inflated bytes (and frames are not located there): they do not move.
        long pixelShift = file.TransferSyntax.IsDeflated ? 0 : shift;
        return new InstanceRecord
        {
            StudyInstanceUid = study,
            StudyDate = Ascii(ds, DicomTags.StudyDate),
            StudyTime = Ascii(ds, DicomTags.StudyTime),
            AccessionNumber = Text(ds, DicomTags.AccessionNumber),
            StudyId = Text(ds, DicomTags.StudyID),
            StudyDescription = Text(ds, DicomTags.StudyDescription),
            ReferringPhysicianName = Text(ds, DicomTags.ReferringPhysicianName),
            PatientName = Text(ds, DicomTags.PatientName),
            PatientId = Text(ds, DicomTags.PatientID),
            PatientBirthDate = Ascii(ds, DicomTags.PatientBirthDate),
            PatientSex = Ascii(ds, DicomTags.PatientSex),
            TimezoneOffsetFromUtc = Ascii(ds, DicomTags.TimezoneOffsetFromUTC),
            AccessKey = accessAttribute is { } access ? Text(ds, access)?.Trim() is { Length: > 0 } key ? key : null : null,
            SeriesInstanceUid = series,
            Modality = Ascii(ds, DicomTags.Modality),
            SeriesNumber = Integer(ds, DicomTags.SeriesNumber),
            SeriesDescription = Text(ds, DicomTags.SeriesDescription),
            SeriesDate = Ascii(ds, DicomTags.SeriesDate),
            SeriesTime = Ascii(ds, DicomTags.SeriesTime),
            PerformedProcedureStepStartDate = Ascii(ds, DicomTags.PerformedProcedureStepStartDate),
            PerformedProcedureStepStartTime = Ascii(ds, DicomTags.PerformedProcedureStepStartTime),
            SopInstanceUid = instance,
            SopClassUid = ds.GetAsciiString(DicomTags.SOPClassUID)!,
            InstanceNumber = Integer(ds, DicomTags.InstanceNumber),
            Rows = UnsignedShort(ds, DicomTags.Rows),
            Columns = UnsignedShort(ds, DicomTags.Columns),
            BitsAllocated = UnsignedShort(ds, DicomTags.BitsAllocated),
            NumberOfFrames = Integer(ds, DicomTags.NumberOfFrames),
            TransferSyntaxUid = file.TransferSyntax.Uid,
            Size = size,
            Sha256 = sha256,
            BlobKey = blobKey,
            PixelDataOffset = file.PixelData?.ValueOffset + pixelShift,
            FrameTable = frames is { Count: > 0 } ? Store.FrameTable.Encode(Shifted(frames, pixelShift)) : null,
            MetadataJson = InstanceMetadata.Create(ds, $"studies/{study}/series/{series}/instances/{instance}", bulkDataThreshold),
        };
    }

    private static IReadOnlyList<ByteRange[]> Shifted(IReadOnlyList<ByteRange[]> frames, long shift) => shift == 0
        ? frames
        : [.. frames.Select(frame => frame.Select(range => range with { Offset = range.Offset + shift }).ToArray())];

    private static string? Ascii(DicomDataset ds, DicomTag tag) => ds.GetAsciiString(tag) is { Length: > 0 } value ? value : null;

    // Decoded per Specific Character Set; empty values are stored as absent, which is how QIDO treats them.
    private static string? Text(DicomDataset ds, DicomTag tag) => ds.GetString(tag) is { Length: > 0 } value ? value : null;

    // IS values may carry a sign and spaces; multi-valued or out-of-range ones are left out of the index rather than refused.
    private static int? Integer(DicomDataset ds, DicomTag tag) =>
        int.TryParse(ds.GetAsciiString(tag), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static int? UnsignedShort(DicomDataset ds, DicomTag tag)
    {
        var element = ds.Find(tag);
        return element is { IsValueLoaded: true, Value.Length: >= 2 } ? BinaryPrimitives.ReadUInt16LittleEndian(element.Value.Span) : null;
    }
}
