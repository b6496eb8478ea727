using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DicomWebArchive.Dicom.Writing;

public static partial class DicomPart10Writer
{
    /// <summary>
    /// The head of a Part 10 file, up to its data set, for a data set kept byte for byte: a zero preamble, "DICM" and
    /// the meta group it came with, corrected to describe the data set. Media Storage SOP Class and Instance UIDs are
    /// the data set's and Transfer Syntax UID is <paramref name="syntax"/>; what Part 10 requires and the meta group
    /// lacked is added (File Meta Information Version, and this implementation's class UID and version name when no
    /// Implementation Class UID came); everything else (Implementation Class UID and Version Name, Source AE Title,
    /// private information) is kept as it came, so the same input always gives the same bytes.
    /// </summary>
    /// <param name="meta">The meta group as read; empty when the data set came without one.</param>
    public static byte[] CorrectedHeader(DicomDataset meta, DicomDataset dataset, TransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        var elements = new SortedList<uint, DicomElement>();
        foreach (var element in meta)
        {
            // A value the reader did not load (megabytes of private meta information) cannot be copied: it is dropped.
            if (element.Tag.Group == 0x0002 && !element.Tag.IsGroupLength && element.IsValueLoaded && element.Items is null)
            {
                elements[element.Tag.Value] = element;
            }
        }
        elements.TryAdd(DicomTags.FileMetaInformationVersion.Value, Meta(DicomTags.FileMetaInformationVersion, DicomVR.OB, [0x00, 0x01]));
        Set(elements, Meta(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, UidBytes(dataset.GetAsciiString(DicomTags.SOPClassUID))));
        Set(elements, Meta(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, UidBytes(dataset.GetAsciiString(DicomTags.SOPInstanceUID))));
        Set(elements, Meta(DicomTags.TransferSyntaxUID, DicomVR.UI, UidBytes(syntax.Uid)));
        if (!elements.ContainsKey(DicomTags.ImplementationClassUID.Value))
        {
            Set(elements, Meta(DicomTags.ImplementationClassUID, DicomVR.UI, UidBytes(ImplementationClassUid)));
            Set(elements, Meta(DicomTags.ImplementationVersionName, DicomVR.SH, Encoding.ASCII.GetBytes(ImplementationVersionName)));
        }

        var group = new ArrayBufferWriter<byte>(256);
        var encoder = new DicomDatasetEncoder(group, defaultImplicitVR: false, definedLengthSequences: false);
        foreach (var element in elements.Values)
        {
            encoder.WriteElement(element, implicitVR: false);
        }
        const int lengthElement = 12;
        var header = new byte[132 + lengthElement + group.WrittenCount];
        "DICM"u8.CopyTo(header.AsSpan(128));
        var length = header.AsSpan(132, lengthElement);
        BinaryPrimitives.WriteUInt16LittleEndian(length, 0x0002);
        "UL"u8.CopyTo(length[4..]);
        BinaryPrimitives.WriteUInt16LittleEndian(length[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(length[8..], (uint)group.WrittenCount);
        group.WrittenSpan.CopyTo(header.AsSpan(132 + lengthElement));
        return header;
    }

    private static void Set(SortedList<uint, DicomElement> elements, DicomElement element) => elements[element.Tag.Value] = element;
}
