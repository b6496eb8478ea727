using System.Globalization;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Json;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// The tag path of a BulkDataURI as the metadata writes it: "TTTTTTTT" for a top-level attribute,
/// "SSSSSSSS/i/.../TTTTTTTT" through sequences (tags in hex, item indexes zero-based, decimal).
/// </summary>
public sealed record BulkDataPath(IReadOnlyList<DicomSequenceStep> Steps, DicomTag Tag)
{
    private const int MaxDepth = 64;

    public bool IsPixelData => Steps.Count == 0 && Tag == DicomTags.PixelData;

    public static bool TryParse(string? text, out BulkDataPath path)
    {
        path = null!;
        if (string.IsNullOrEmpty(text) || text.Length > 2048)
        {
            return false;
        }
        var parts = text.Split('/');
        if (parts.Length % 2 == 0 || parts.Length > (MaxDepth * 2) + 1)
        {
            return false;
        }
        var steps = new DicomSequenceStep[parts.Length / 2];
        for (int i = 0; i < steps.Length; i++)
        {
            if (!TryTag(parts[2 * i], out var sequence) || !TryIndex(parts[(2 * i) + 1], out int index))
            {
                return false;
            }
            steps[i] = new DicomSequenceStep(sequence, index);
        }
        if (!TryTag(parts[^1], out var tag))
        {
            return false;
        }
        path = new BulkDataPath(steps, tag);
        return true;
    }

    /// <summary>The element the path names in <paramref name="dataset"/>, or null when there is none.</summary>
    public DicomElement? Find(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var current = dataset;
        foreach (var step in Steps)
        {
            var sequence = current.Find(step.SequenceTag);
            if (sequence?.Items is not { } items || step.ItemIndex >= items.Count)
            {
                return null;
            }
            current = items[step.ItemIndex];
        }
        return current.Find(Tag);
    }

    public override string ToString() =>
        string.Concat(Steps.Select(s => $"{s.SequenceTag}/{s.ItemIndex.ToString(CultureInfo.InvariantCulture)}/")) + Tag;

    private static bool TryTag(string text, out DicomTag tag)
    {
        tag = default;
        if (text.Length != 8 || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value))
        {
            return false;
        }
        tag = new DicomTag(value);
        return true;
    }

    private static bool TryIndex(string text, out int index)
    {
        index = -1;
        return text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
