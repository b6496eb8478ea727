using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace DicomWebArchive.Dicom;

public static partial class DicomDictionary
{
    /// <summary>
    /// The VR the vendors' private dictionary gives (gggg,xxee) when block xx of group gggg is reserved by
    /// <paramref name="privateCreator"/>, spelled as the dictionary spells it (no padding); false when the
    /// creator or element is not listed, or the tag is not in a private block.
    /// </summary>
    public static bool TryGetPrivateVR(string privateCreator, DicomTag tag, out DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(privateCreator);
        if (PrivateTables.Creators.TryGetValue(privateCreator, out int creator))
        {
            return TryGetPrivateVR(creator, tag, out vr);
        }
        vr = DicomVR.None;
        return false;
    }

    /// <summary>
    /// The dictionary's number for the creator a Private Creator value names, -1 when it is not listed.
    /// Compared as dcmtk does: case-sensitively, the value up to its first NUL and without trailing
    /// spaces, leading spaces kept, a multi-valued value ("A\B") compared whole (so never matching).
    /// </summary>
    internal static int FindPrivateCreator(ReadOnlySpan<byte> value)
    {
        int nul = value.IndexOf((byte)0);
        if (nul >= 0)
        {
            value = value[..nul];
        }
        value = value.TrimEnd((byte)' ');
        // The length check first: a huge or binary value is rejected without being decoded.
        if (value.IsEmpty || value.Length > PrivateTables.MaxCreatorLength || !Ascii.IsValid(value))
        {
            return -1;
        }
        Span<char> text = stackalloc char[PrivateTables.MaxCreatorLength];
        Ascii.ToUtf16(value, text, out int length);
        return PrivateTables.CreatorsByText.TryGetValue(text[..length], out int creator) ? creator : -1;
    }

    /// <summary>The VR of (gggg,xxee) under the creator <see cref="FindPrivateCreator"/> numbered.</summary>
    internal static bool TryGetPrivateVR(int creator, DicomTag tag, out DicomVR vr)
    {
        if (creator >= 0 && tag.IsPrivate && tag.Element >= 0x1000)
        {
            return PrivateTables.VRs.TryGetValue(PrivateKey(creator, tag.Group, (byte)tag.Element), out vr);
        }
        vr = DicomVR.None;
        return false;
    }

    private static ulong PrivateKey(int creator, ushort group, byte element) =>
        ((ulong)(uint)creator << 24) | ((ulong)group << 8) | element;

    private static class PrivateTables
    {
        public static readonly FrozenDictionary<string, int> Creators;
        public static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> CreatorsByText;
        public static readonly FrozenDictionary<ulong, DicomVR> VRs;
        public static readonly int MaxCreatorLength;

#pragma warning disable CA1810 // the tables come from one pass over the resource
        static PrivateTables()
#pragma warning restore CA1810
        {
            var creators = new Dictionary<string, int>(512, StringComparer.Ordinal);
            var vrs = new Dictionary<ulong, DicomVR>(9000);
            using var stream = typeof(DicomDictionary).Assembly.GetManifestResourceStream("DicomWebArchive.Dicom.private-dictionary.tsv")
                ?? throw new InvalidOperationException("Embedded resource private-dictionary.tsv is missing.");
            using var reader = new StreamReader(stream);
            reader.ReadLine(); // header
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }
                var fields = line.Split('\t');
                if (fields.Length < 3)
                {
                    throw new InvalidDataException($"private-dictionary.tsv: malformed line '{line}'.");
                }
                // Only "ggggxxee" rows name an element of whichever block the creator reserved. The other
                // forms are left out, as dcmtk and pydicom leave them: the reservations themselves
                // ("gggg10xx", always LO), even repeating groups ("60xxxxee"), and GDCM's rows bound to one
                // fixed block ("CREATOR^10" with a full tag).
                var tag = fields[1];
                if (tag.Length != 8 || tag[4] != 'x' || tag[5] != 'x'
                    || !ushort.TryParse(tag.AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var group)
                    || !byte.TryParse(tag.AsSpan(6, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var element)
                    || !new DicomTag(group, 0x1000).IsPrivate)
                {
                    continue;
                }
                var vr = ParsePrivateVR(fields[2]);
                if (vr == DicomVR.UN)
                {
                    continue;
                }
                if (!creators.TryGetValue(fields[0], out int creator))
                {
                    creator = creators.Count;
                    creators.Add(fields[0], creator);
                }
                vrs.TryAdd(PrivateKey(creator, group, element), vr);
            }
            Creators = creators.ToFrozenDictionary(StringComparer.Ordinal);
            CreatorsByText = Creators.GetAlternateLookup<ReadOnlySpan<char>>();
            VRs = vrs.ToFrozenDictionary();
            MaxCreatorLength = creators.Keys.Max(c => c.Length);
        }

        // "OB_OW" (or "OB or OW") gives the first: dcm2json shows dcmtk's "OB or OW" private elements read in implicit VR as OB.
        private static DicomVR ParsePrivateVR(string text)
        {
            int end = text.IndexOfAny([' ', '_']);
            var code = end < 0 ? text.AsSpan() : text.AsSpan(0, end);
            return DicomVRExtensions.TryParse(code, out var vr)
                ? vr
                : throw new InvalidDataException($"Unknown VR '{text}' in the private dictionary.");
        }
    }
}
