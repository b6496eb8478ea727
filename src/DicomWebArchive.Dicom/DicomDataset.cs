using System.Collections;
using System.Text;

namespace DicomWebArchive.Dicom;

/// <summary>An ordered, read-only list of data elements (a top-level data set, the file meta group, or a sequence item).</summary>
public sealed class DicomDataset : IReadOnlyList<DicomElement>
{
    private readonly DicomElement[] _elements;

    public DicomDataset(DicomElement[] elements, DicomDataset? parent = null)
    {
        _elements = elements;
        Parent = parent;
    }

    public static DicomDataset Empty { get; } = new([]);

    /// <summary>The data set enclosing this sequence item, used to inherit Specific Character Set.</summary>
    public DicomDataset? Parent { get; internal set; }

    public int Count => _elements.Length;

    public DicomElement this[int index] => _elements[index];

    /// <summary>Binary search: elements are in ascending tag order (the reader enforces it).</summary>
    public DicomElement? Find(DicomTag tag)
    {
        int lo = 0, hi = _elements.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var current = _elements[mid].Tag.Value;
            if (current == tag.Value)
            {
                return _elements[mid];
            }
            if (current < tag.Value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return null;
    }

    public bool Contains(DicomTag tag) => Find(tag) is not null;

    /// <summary>The value of an ASCII-only attribute (UI, CS, DA, TM, DT, AS, AE, IS, DS) with padding removed; null when absent.</summary>
    public string? GetAsciiString(DicomTag tag)
    {
        var element = Find(tag);
        if (element is null || !element.IsValueLoaded)
        {
            return null;
        }
        var span = element.Value.Span.TrimEnd((byte)0).TrimEnd((byte)' ').TrimStart((byte)' ');
        return Encoding.ASCII.GetString(span);
    }

    public IEnumerator<DicomElement> GetEnumerator() => ((IEnumerable<DicomElement>)_elements).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
