using System.Globalization;
using System.Text;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Writing;

/// <summary>A new value for one top-level text attribute: its values in order (joined with '\' when written).</summary>
public sealed record DicomAttributeChange(DicomTag Tag, DicomVR VR, IReadOnlyList<string> Values)
{
    public string Text => string.Join('\\', Values);
}

/// <summary>
/// Makes the data set of a corrected instance: the given top-level text attributes replaced or added, Instance
/// Coercion DateTime (0008,0015) set to when it happened, so the newest version of an instance can be told from its
/// bytes alone, and an item appended to Original Attributes Sequence (0400,0561) holding the previous values (PS3.3
/// C.12.1: when, by which system, why "CORRECT"; an attribute that was absent is recorded empty). New text goes into
/// the data set's own character set when that can hold it; otherwise every text value of the data set, items
/// included, is re-encoded as UTF-8 (ISO_IR 192), which holds any text. Values that were not loaded (pixel data,
/// large binary values) stay as they are, read from their offsets when the data set is written.
/// </summary>
public static class DicomDatasetEditor
{
    public static DicomDataset Apply(DicomDataset dataset, IReadOnlyList<DicomAttributeChange> changes, DateTimeOffset coercedAt, string modifyingSystem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modifyingSystem);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(changes);
        var charset = DicomCharacterSet.Of(dataset);
        var encoded = Encode(changes, charset);
        var source = dataset;
        if (encoded is null)
        {
            source = ToUtf8(dataset, null);
            encoded = Encode(changes, DicomCharacterSet.Utf8)!;
        }

        var elements = new SortedDictionary<uint, DicomElement>();
        foreach (var element in source)
        {
            elements[element.Tag.Value] = element;
        }
        // Taken from the source as it is written (its character set), before the new values replace them.
        var previous = changes.Select(c => elements.TryGetValue(c.Tag.Value, out var old) ? old : Element(c.Tag, c.VR, [])).OrderBy(e => e.Tag.Value).ToList();
        foreach (var (tag, element) in encoded)
        {
            elements[tag.Value] = element;
        }
        byte[] when = Encoding.ASCII.GetBytes(coercedAt.UtcDateTime.ToString("yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture) + "+0000");
        elements[DicomTags.InstanceCoercionDateTime.Value] = Element(DicomTags.InstanceCoercionDateTime, DicomVR.DT, when);
        var original = new DicomDataset(
        [
            Sequence(DicomTags.ModifiedAttributesSequence, [new DicomDataset([.. previous])]),
            Element(DicomTags.AttributeModificationDateTime, DicomVR.DT, when),
            Element(DicomTags.ModifyingSystem, DicomVR.LO, Encoding.ASCII.GetBytes(modifyingSystem)),
            Element(DicomTags.SourceOfPreviousValues, DicomVR.LO, []),
            Element(DicomTags.ReasonForTheAttributeModification, DicomVR.CS, "CORRECT"u8.ToArray()),
        ]);
        var earlier = elements.TryGetValue(DicomTags.OriginalAttributesSequence.Value, out var found) ? found.Items ?? [] : [];
        elements[DicomTags.OriginalAttributesSequence.Value] = Sequence(DicomTags.OriginalAttributesSequence, [.. earlier, original]);
        return Reparent(new DicomDataset([.. elements.Values]));
    }

    private static DicomElement Sequence(DicomTag tag, IReadOnlyList<DicomDataset> items) =>
        new(tag, DicomVR.SQ, ReadOnlyMemory<byte>.Empty, 0, 0) { Items = items };

    /// <summary>The changes as elements in <paramref name="charset"/>; null when it cannot hold one of them.</summary>
    private static List<(DicomTag, DicomElement)>? Encode(IReadOnlyList<DicomAttributeChange> changes, DicomCharacterSet charset)
    {
        var result = new List<(DicomTag, DicomElement)>(changes.Count);
        foreach (var change in changes)
        {
            byte[] bytes;
            if (change.VR.UsesSpecificCharacterSet())
            {
                if (!charset.TryEncode(change.Text, out var text))
                {
                    return null;
                }
                bytes = text;
            }
            else
            {
                bytes = Encoding.ASCII.GetBytes(change.Text);
            }
            result.Add((change.Tag, Element(change.Tag, change.VR, bytes)));
        }
        return result;
    }

    /// <summary>The data set with every text value decoded in its own character set and written as UTF-8.</summary>
    private static DicomDataset ToUtf8(DicomDataset dataset, DicomDataset? parent)
    {
        var charset = DicomCharacterSet.Of(dataset);
        var elements = new List<DicomElement>(dataset.Count + 1);
        foreach (var element in dataset)
        {
            if (element.Tag == DicomTags.SpecificCharacterSet)
            {
                continue;
            }
            if (element.Items is { } items)
            {
                elements.Add(new DicomElement(element.Tag, element.VR, element.Value, element.ValueOffset, element.ValueLength)
                {
                    Items = [.. items.Select(item => ToUtf8(item, dataset))],
                    IsValueLoaded = element.IsValueLoaded,
                });
            }
            else if (element.VR.UsesSpecificCharacterSet() && element.IsValueLoaded)
            {
                string text = charset.Decode(element.Value.Span, element.VR == DicomVR.PN).TrimEnd(' ', '\0');
                elements.Add(Element(element.Tag, element.VR, Encoding.UTF8.GetBytes(text)));
            }
            else
            {
                elements.Add(element);
            }
        }
        if (parent is null)
        {
            elements.Add(Element(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192"u8.ToArray()));
            elements.Sort((a, b) => a.Tag.Value.CompareTo(b.Tag.Value));
        }
        return new DicomDataset([.. elements], parent);
    }

    /// <summary>Items inherit their character set from the data set that holds them: point them at the new one.</summary>
    private static DicomDataset Reparent(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            foreach (var item in element.Items ?? [])
            {
                item.Parent = dataset;
                Reparent(item);
            }
        }
        return dataset;
    }

    private static DicomElement Element(DicomTag tag, DicomVR vr, byte[] value)
    {
        if ((value.Length & 1) == 1)
        {
            value = [.. value, vr == DicomVR.UI ? (byte)0 : (byte)' '];
        }
        return new DicomElement(tag, vr, value, 0, value.Length);
    }
}
