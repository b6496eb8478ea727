using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace DicomWebArchive.Dicom;

/// <summary>The PS3.6 data dictionary, loaded lazily from the embedded TSV files.</summary>
public static partial class DicomDictionary
{
    /// <summary>The dictionary entry of a tag, repeating groups (50xx, 60xx...) included; false for private and unknown tags.</summary>
    public static bool TryGetEntry(DicomTag tag, [NotNullWhen(true)] out DicomDictionaryEntry? entry)
    {
        if (Tables.ByTag.TryGetValue(tag.Value, out entry))
        {
            return true;
        }
        if (tag.IsPrivate)
        {
            return false;
        }
        foreach (var repeating in Tables.Repeating)
        {
            if ((tag.Value & repeating.Mask) == repeating.Tag.Value)
            {
                entry = repeating;
                return true;
            }
        }
        return false;
    }

    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        if (Tables.ByKeyword.TryGetValue(keyword, out var entry))
        {
            tag = entry.Tag;
            return true;
        }
        tag = default;
        return false;
    }

    public static string? GetKeyword(DicomTag tag) => TryGetEntry(tag, out var entry) ? entry.Keyword : null;

    /// <summary>
    /// The VR of an element whose encoding does not carry one (implicit VR). Group lengths are UL,
    /// private creators LO, other private and unknown tags UN (the reader consults the private dictionary,
    /// which needs the creator). "US or SS" follows Pixel Representation; other alternatives take the
    /// entry default, so Pixel Data is OW whatever Bits Allocated (PS3.5 A.1).
    /// </summary>
    public static DicomVR GetImplicitVR(DicomTag tag, int pixelRepresentation = 0)
    {
        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }
        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        }
        if (!TryGetEntry(tag, out var entry))
        {
            return DicomVR.UN;
        }
        if (!entry.HasAlternativeVRs)
        {
            return entry.VR;
        }
        if (entry.VR == DicomVR.US && pixelRepresentation == 1 && entry.Allows(DicomVR.SS))
        {
            return DicomVR.SS;
        }
        return entry.VR;
    }

    private static class Tables
    {
        public static readonly FrozenDictionary<uint, DicomDictionaryEntry> ByTag;
        public static readonly DicomDictionaryEntry[] Repeating;
        public static readonly FrozenDictionary<string, DicomDictionaryEntry> ByKeyword;

#pragma warning disable CA1810 // the three tables come from one pass over the resources
        static Tables()
#pragma warning restore CA1810
        {
            var exact = new Dictionary<uint, DicomDictionaryEntry>(5000);
            var keywords = new Dictionary<string, DicomDictionaryEntry>(5000, StringComparer.Ordinal);
            foreach (var entry in Load("data-dictionary.tsv"))
            {
                exact[entry.Tag.Value] = entry;
                keywords.TryAdd(entry.Keyword, entry);
            }
            var repeating = new List<DicomDictionaryEntry>();
            foreach (var entry in Load("repeating-groups.tsv"))
            {
                repeating.Add(entry);
                keywords.TryAdd(entry.Keyword, entry);
            }
            ByTag = exact.ToFrozenDictionary();
            Repeating = [.. repeating];
            ByKeyword = keywords.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private static List<DicomDictionaryEntry> Load(string resource)
        {
            using var stream = typeof(DicomDictionary).Assembly.GetManifestResourceStream("DicomWebArchive.Dicom." + resource)
                ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
            using var reader = new StreamReader(stream);
            var entries = new List<DicomDictionaryEntry>(5000);
            reader.ReadLine(); // header
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }
                var fields = line.Split('\t');
                if (fields.Length < 6)
                {
                    throw new InvalidDataException($"{resource}: malformed line '{line}'.");
                }
                var (tag, mask) = ParseMask(fields[0]);
                entries.Add(new DicomDictionaryEntry(new DicomTag(tag), mask, ParseVRs(fields[1]), fields[2], fields[3], fields[4], fields[5] == "Y"));
            }
            return entries;
        }

        // "60xx3000": each x is a wildcard hex digit; the entry's tag is the mask with x = 0.
        private static (uint Tag, uint Mask) ParseMask(string text)
        {
            uint tag = 0, mask = 0;
            foreach (var c in text)
            {
                tag <<= 4;
                mask <<= 4;
                if (c is 'x' or 'X')
                {
                    continue;
                }
                tag |= uint.Parse(c.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                mask |= 0xF;
            }
            return (tag, mask);
        }

        private static DicomVR[] ParseVRs(string text)
        {
            if (text == "NONE")
            {
                return [DicomVR.None];
            }
            var parts = text.Split(" or ");
            var vrs = new DicomVR[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!DicomVRExtensions.TryParse(parts[i], out vrs[i]))
                {
                    throw new InvalidDataException($"Unknown VR '{parts[i]}' in the data dictionary.");
                }
            }
            return vrs;
        }
    }
}
