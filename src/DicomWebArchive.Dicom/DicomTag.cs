using System.Globalization;

namespace DicomWebArchive.Dicom;

/// <summary>A DICOM attribute tag (group, element) packed into 32 bits as 0xGGGGEEEE.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    public DicomTag(uint value) => Value = value;

    public DicomTag(ushort group, ushort element) => Value = ((uint)group << 16) | element;

    public uint Value { get; }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd groups other than 0001, 0003, 0005, 0007 and FFFF are private (PS3.5 §7.8).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>(gggg,0010-00FF) in a private group reserves a block for a Private Creator.</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    public bool IsGroupLength => Element == 0;

    public static DicomTag Parse(string text) =>
        TryParse(text, out var tag) ? tag : throw new FormatException($"'{text}' is not a DICOM tag (8 hexadecimal digits).");

    public static bool TryParse(ReadOnlySpan<char> text, out DicomTag tag)
    {
        if (text.Length == 8 && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            tag = new DicomTag(value);
            return true;
        }
        tag = default;
        return false;
    }

    /// <summary>Eight upper-case hex digits, as DICOM JSON and QIDO write tags.</summary>
    public override string ToString() => Value.ToString("X8", CultureInfo.InvariantCulture);

    public bool Equals(DicomTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator ==(DicomTag left, DicomTag right) => left.Value == right.Value;

    public static bool operator !=(DicomTag left, DicomTag right) => left.Value != right.Value;

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;
}
