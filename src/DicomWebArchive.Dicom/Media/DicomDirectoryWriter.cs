using System.Buffers;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Media;

/// <summary>
/// Writes a DICOMDIR (PS3.10 §8.6, PS3.3 Annex F Basic Directory IOD) in Explicit VR Little Endian: the records in
/// depth-first order, each entity's records chained by Offset of the Next Directory Record, each record pointing at
/// its first lower-level record. Offsets count from the first byte of the file (the preamble).
/// </summary>
/// <remarks>
/// The offsets are fixed-size (UL), so a first pass with zero offsets gives every byte position; the second pass
/// writes the same number of bytes with the offsets filled in.
/// </remarks>
public static class DicomDirectoryWriter
{
    /// <summary>Media Storage Directory Storage, the SOP class of a DICOMDIR.</summary>
    public const string MediaStorageDirectoryStorage = "1.2.840.10008.1.3.10";

    /// <summary>The File-set ID's maximum length (CS).</summary>
    public const int MaxFileSetIdLength = 16;

    /// <summary>The DICOMDIR of the records (the root directory entity) as a Part 10 file.</summary>
    /// <param name="fileSetId">File-set ID (0004,1130): up to 16 uppercase letters, digits, spaces or underscores; empty for none.</param>
    /// <param name="fileSetUid">Media Storage SOP Instance UID of the DICOMDIR, which identifies the file-set.</param>
    /// <exception cref="ArgumentException">A File ID or the File-set ID breaks the PS3.10 rules.</exception>
    public static byte[] Write(IReadOnlyList<DicomDirectoryRecord> roots, string fileSetId, string fileSetUid)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(fileSetId);
        ArgumentNullException.ThrowIfNull(fileSetUid);
        if (fileSetId.Length > MaxFileSetIdLength || !fileSetId.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or ' '))
        {
            throw new ArgumentException($"'{fileSetId}' is not a File-set ID: up to 16 uppercase letters, digits, spaces or underscores.", nameof(fileSetId));
        }

        var layout = new Layout(roots);
        var zeros = new uint[layout.Records.Count];
        var placeholder = Encode(layout, zeros, zeros, 0, 0, fileSetId, fileSetUid);

        // The Directory Record Sequence is the last element: its items end the file.
        var itemSizes = layout.Records.Select((_, i) => 8 + Measure(RecordItem(layout, i, zeros, zeros))).ToArray();
        long position = placeholder.Length - itemSizes.Sum();
        var offsets = new uint[itemSizes.Length];
        for (int i = 0; i < itemSizes.Length; i++)
        {
            offsets[i] = checked((uint)position);
            position += itemSizes[i];
        }
        var next = layout.Next.Select(n => n < 0 ? 0u : offsets[n]).ToArray();
        var lower = layout.FirstChild.Select(c => c < 0 ? 0u : offsets[c]).ToArray();
        uint first = roots.Count == 0 ? 0 : offsets[0];
        uint last = roots.Count == 0 ? 0 : offsets[layout.LastRoot];
        var file = Encode(layout, next, lower, first, last, fileSetId, fileSetUid);
        if (file.Length != placeholder.Length)
        {
            throw new InvalidOperationException("The DICOMDIR changed length when its offsets were filled in.");
        }
        return file;
    }

    private static byte[] Encode(Layout layout, uint[] next, uint[] lower, uint first, uint last, string fileSetId, string fileSetUid)
    {
        var items = Enumerable.Range(0, layout.Records.Count).Select(i => RecordItem(layout, i, next, lower)).ToArray();
        var top = new DicomDatasetBuilder()
            .AddString(DicomTags.FileSetID, DicomVR.CS, fileSetId)
            .AddUInt32(DicomTags.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, first)
            .AddUInt32(DicomTags.OffsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, last)
            .AddUInt16(DicomTags.FileSetConsistencyFlag, 0)
            .Build();
        var dataset = new DicomDataset([.. top, new DicomElement(DicomTags.DirectoryRecordSequence, DicomVR.SQ, ReadOnlyMemory<byte>.Empty, 0, 0) { Items = items }]);
        foreach (var item in items)
        {
            item.Parent = dataset;
        }
        using var stream = new MemoryStream();
        DicomPart10Writer.Write(stream, dataset, TransferSyntax.ExplicitVRLittleEndian, new DicomPart10WriterOptions
        {
            DefinedLengthSequences = true,
            MediaStorageSopClassUid = MediaStorageDirectoryStorage,
            MediaStorageSopInstanceUid = fileSetUid,
        });
        return stream.ToArray();
    }

    private static DicomDataset RecordItem(Layout layout, int index, uint[] next, uint[] lower)
    {
        var record = layout.Records[index];
        var builder = new DicomDatasetBuilder()
            .AddUInt32(DicomTags.OffsetOfTheNextDirectoryRecord, next[index])
            .AddUInt16(DicomTags.RecordInUseFlag, 0xFFFF)
            .AddUInt32(DicomTags.OffsetOfReferencedLowerLevelDirectoryEntity, lower[index])
            .AddString(DicomTags.DirectoryRecordType, DicomVR.CS, record.Type);
        if (record.File is { } file)
        {
            if (!DicomFileId.IsValid(file.FileId))
            {
                throw new ArgumentException($"'{string.Join('\\', file.FileId)}' is not a File ID: 1 to 8 components of 1 to 8 characters A-Z, 0-9 or '_'.", nameof(layout));
            }
            builder.AddString(DicomTags.ReferencedFileID, DicomVR.CS, string.Join('\\', file.FileId))
                .AddString(DicomTags.ReferencedSOPClassUIDInFile, DicomVR.UI, file.SopClassUid)
                .AddString(DicomTags.ReferencedSOPInstanceUIDInFile, DicomVR.UI, file.SopInstanceUid)
                .AddString(DicomTags.ReferencedTransferSyntaxUIDInFile, DicomVR.UI, file.TransferSyntaxUid);
        }
        // The keys must not replace the directory attributes the writer owns.
        var own = builder.Build();
        var keys = record.Keys.Where(k => k.Tag.Group != 0x0004);
        var item = new DicomDataset([.. own.Concat(keys).OrderBy(e => e.Tag.Value)]);
        foreach (var element in item)
        {
            foreach (var nested in element.Items ?? [])
            {
                nested.Parent = item;
            }
        }
        return item;
    }

    private static long Measure(DicomDataset item)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        new DicomDatasetEncoder(buffer, defaultImplicitVR: false, definedLengthSequences: true).WriteDataset(item, implicitVR: false);
        return buffer.WrittenCount;
    }

    /// <summary>The records in the order they are written, with the index of each one's next sibling and first child (-1: none).</summary>
    private sealed class Layout
    {
        public Layout(IReadOnlyList<DicomDirectoryRecord> roots)
        {
            LastRoot = Visit(roots);
        }

        public List<DicomDirectoryRecord> Records { get; } = [];

        public List<int> Next { get; } = [];

        public List<int> FirstChild { get; } = [];

        public int LastRoot { get; }

        /// <returns>The index of the last record of <paramref name="siblings"/>.</returns>
        private int Visit(IReadOnlyList<DicomDirectoryRecord> siblings)
        {
            int previous = -1;
            foreach (var record in siblings)
            {
                int index = Records.Count;
                Records.Add(record);
                Next.Add(-1);
                FirstChild.Add(record.Children.Count > 0 ? index + 1 : -1);
                if (previous >= 0)
                {
                    Next[previous] = index;
                }
                Visit(record.Children);
                previous = index;
            }
            return previous;
        }
    }
}
