namespace DicomWebArchive.Dicom;

internal sealed partial class DicomDatasetReader
{
    /// <summary>
    /// The VR of a private element (gggg,xxee) that has none on the wire: the private dictionary's when the
    /// creator of block xx was read earlier in the same data set or item and lists ee, as dcmtk and Orthanc
    /// show them; otherwise UN (PS3.5 §6.2.2).
    /// </summary>
    /// <remarks>
    /// The dictionary's VR is a guess about a vendor's data, not part of the file, so a value that cannot be
    /// of that VR stays UN with its bytes intact instead of failing the file or losing a byte. dcmtk (3.6.7)
    /// differs there: it keeps a US of odd length as US, completing the torn last value with a padding NUL
    /// (07 00 09 shows as 7\9), and rejects the file when a dictionary SQ does not hold items or when an
    /// element the dictionary does not call SQ has an undefined length.
    /// </remarks>
    private static DicomVR PrivateVR(Frame frame, uint tag, uint length, out bool maybeSequence)
    {
        maybeSequence = false;
        if (frame.PrivateCreators is not { } creators
            || !creators.TryGetValue(tag >> 8, out int creator)
            || !DicomDictionary.TryGetPrivateVR(creator, new DicomTag(tag), out var vr))
        {
            return DicomVR.UN;
        }
        if (length == UndefinedLength)
        {
            // Only a sequence ends with a delimiter: read the items as UN's are read (PS3.5 §6.2.2) whatever the dictionary says.
            return vr == DicomVR.SQ ? DicomVR.SQ : DicomVR.UN;
        }
        if (vr == DicomVR.SQ)
        {
            // An empty sequence, or a value that must start with an item header (8 bytes) to be one.
            maybeSequence = length >= 8;
            return length is 0 or >= 8 ? DicomVR.SQ : DicomVR.UN;
        }
        int size = vr.ValueSize();
        return size > 0 && length % size != 0 ? DicomVR.UN : vr;
    }

    /// <summary>Records which creator (gggg,00xx) reserves block xx, for the elements that follow in this data set or item.</summary>
    private static void NotePrivateCreator(Frame frame, uint tag, ReadOnlySpan<byte> value)
    {
        var creators = frame.PrivateCreators ??= new Dictionary<uint, int>();
        uint block = ((tag >> 8) & 0xFFFF00) | (tag & 0xFF);
        // A data set that repeats a reservation is malformed; the first one stands, as in dcmtk's creator cache.
        if (!creators.ContainsKey(block))
        {
            creators.Add(block, DicomDictionary.FindPrivateCreator(value));
        }
    }

    private static bool IsPrivateCreatorTag(uint tag) => new DicomTag(tag).IsPrivateCreator;
}
