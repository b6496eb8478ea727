using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>
/// A corpus file prepared for seeded damage: its data set bytes (inflated for a deflated file), where its values
/// are, and how to put the bytes back into a Part 10 file with fresh study, series and instance UIDs.
/// </summary>
internal sealed class MutatedSeed
{
    // Attributes whose damage reaches pixel handling, rendering, text decoding or the index.
    private static readonly uint[] Targets =
    [
        0x00080005, 0x00080016, 0x00080060, 0x00200013, 0x00280002, 0x00280004, 0x00280006, 0x00280008, 0x00280010, 0x00280011,
        0x00280100, 0x00280101, 0x00280102, 0x00280103, 0x00280106, 0x00280107, 0x00281050, 0x00281051, 0x00281052, 0x00281053,
        0x00281054, 0x00281056, 0x00281101, 0x00281102, 0x00281103, 0x00281201, 0x00281202, 0x00281203, 0x00283002, 0x00283003,
        0x00283006, 0x00283010, 0x00283000, 0x00283004, 0x00289001, 0x00080008, 0x00100010, 0x00181030, 0x0020000D, 0x0020000E,
        0x00400275, 0x0040A730, 0x00080100, 0x7FE00010,
    ];

    private static readonly string[] Numbers = ["0", "-1", "99999999", "abc", "1e308", "-1e308", "NaN", "2147483648", "", "1\\2\\3", "\\\\", "-0", "4294967296"];
    private static readonly string[] Photometrics = ["RGB", "YBR_FULL", "YBR_FULL_422", "MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "YBR_ICT", "XYZ", ""];
    private static readonly string[] CharacterSets = ["ISO_IR 999", "ISO 2022 IR 87", "ISO 2022 IR 149\\ISO 2022 IR 87", "GB18030", "\\\\\\", "ISO_IR 192", "ISO_IR 13\\ISO_IR 6", "\u00ff\u00fe"];
    private static readonly string[] LongVRs = ["OB", "OW", "UN", "SQ", "UT", "OF", "UC", "UR", "OL"];
    private static readonly string[] ShortVRs = ["US", "SS", "UL", "SL", "FL", "FD", "DS", "IS", "CS", "UI", "LO", "AT", "PN", "DA"];

    private readonly byte[] _prefix;
    private readonly byte[] _body;
    private readonly bool _deflated;
    private readonly bool _bigEndian;
    private readonly bool _explicitVR;
    private readonly List<DicomElement> _elements = [];
    private readonly List<(bool Meta, int Offset, int Length, int Kind)> _uids = [];
    private readonly long _pixelOffset;
    private readonly PixelDataInfo? _pixels;

    private MutatedSeed(string name, int index, byte[] prefix, byte[] body, TransferSyntax syntax, PixelDataInfo? pixels)
    {
        Name = name;
        Index = index;
        _prefix = prefix;
        _body = body;
        _deflated = syntax.IsDeflated;
        _bigEndian = syntax.IsBigEndian;
        _explicitVR = syntax.IsExplicitVR;
        _pixels = pixels;
        _pixelOffset = pixels is null ? body.Length : pixels.ValueOffset;
    }

    public string Name { get; }

    public int Index { get; }

    public static async Task<MutatedSeed> LoadAsync(string name, int index, byte[] file)
    {
        var scan = new DicomReaderOptions { PixelData = PixelDataHandling.Scan };
        var whole = await DicomReader.ReadAsync(new MemoryStream(file), scan);
        MutatedSeed seed;
        DicomDataset dataset;
        if (whole.TransferSyntax.IsDeflated)
        {
            int start = (int)whole.DatasetOffset;
            using var inflated = new MemoryStream();
            await using (var inflater = new DeflateStream(new MemoryStream(file, start, file.Length - start), CompressionMode.Decompress))
            {
                await inflater.CopyToAsync(inflated);
            }
            var body = inflated.ToArray();
            var raw = await DicomReader.ReadAsync(new MemoryStream(body), scan);
            seed = new MutatedSeed(name, index, file[..start], body, whole.TransferSyntax, raw.PixelData);
            dataset = raw.Dataset;
        }
        else
        {
            seed = new MutatedSeed(name, index, [], file, whole.TransferSyntax, whole.PixelData);
            dataset = whole.Dataset;
        }
        seed.Collect(dataset);
        foreach (var element in whole.Meta)
        {
            if (element.Tag.Value == 0x00020003)
            {
                seed._uids.Add((true, (int)element.ValueOffset, (int)element.ValueLength, 3));
            }
        }
        foreach (var element in dataset)
        {
            int kind = element.Tag.Value switch { 0x0020000D => 1, 0x0020000E => 2, 0x00080018 => 3, _ => 0 };
            if (kind != 0)
            {
                seed._uids.Add((false, (int)element.ValueOffset, (int)element.ValueLength, kind));
            }
        }
        return seed;
    }

    private void Collect(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            _elements.Add(element);
            foreach (var item in element.Items ?? [])
            {
                Collect(item);
            }
        }
    }

    /// <summary>The file as it is, with UIDs made from <paramref name="number"/> (0 for the undamaged copy).</summary>
    public byte[] Undamaged(int number) => Assemble(WithUids((byte[])_body.Clone(), number, out var prefix), prefix);

    /// <summary>The <paramref name="number"/>th damaged copy, drawn from <paramref name="random"/>, and what was done to it.</summary>
    public (byte[] Bytes, string Mutation) Mutate(int number, Random random)
    {
        var body = WithUids((byte[])_body.Clone(), number, out var prefix);
        string mutation = random.Next(13) switch
        {
            0 or 1 or 2 or 3 => Value(body, random),
            4 => Flips(body, random),
            5 => Run(body, random),
            6 => LengthField(body, random),
            7 => VR(body, random),
            8 => PixelData(ref body, random),
            9 => Delimiter(ref body, random),
            10 => Truncate(ref body, random),
            11 => Geometry(body, random),
            _ => Value(body, random) + "; " + Value(body, random),
        };
        return (Assemble(body, prefix), mutation);
    }

    private byte[] Assemble(byte[] body, byte[] prefix)
    {
        if (!_deflated)
        {
            return body;
        }
        using var output = new MemoryStream();
        output.Write(prefix);
        using (var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(body);
        }
        return output.ToArray();
    }

    // Study, series and instance UIDs (and the meta's instance UID) of the same length, unique per seed and number.
    private byte[] WithUids(byte[] body, int number, out byte[] prefix)
    {
        prefix = (byte[])_prefix.Clone();
        int instanceLength = _uids.Where(u => u.Kind == 3).Select(u => u.Length).DefaultIfEmpty(0).Min();
        foreach (var (meta, offset, length, kind) in _uids)
        {
            var target = meta && _deflated ? prefix : body;
            // The instance UID of meta and data set must agree: both as long as the shorter, the rest padding.
            string uid = $"2.25.{kind}{Index:D2}{number:D5}".PadRight(kind == 3 ? instanceLength : length, '7');
            var span = target.AsSpan(offset, length);
            span.Fill(0);
            Encoding.ASCII.GetBytes(uid, span);
        }
        return body;
    }

    private string Value(byte[] body, Random random)
    {
        var candidates = _elements.Where(e => Targets.Contains(e.Tag.Value) && e.ValueLength is > 0 and < 1 << 20 && e.ValueOffset + e.ValueLength <= body.Length).ToList();
        if (candidates.Count == 0)
        {
            return Flips(body, random);
        }
        var element = candidates[random.Next(candidates.Count)];
        var span = body.AsSpan((int)element.ValueOffset, (int)element.ValueLength);
        string what = $"{element.Tag} {element.VR}";
        switch (element.VR)
        {
            case DicomVR.US or DicomVR.SS or DicomVR.OW when span.Length >= 2:
                ushort word = (ushort)(random.Next(6) switch { 0 => 0, 1 => 1, 2 => 0xFFFF, 3 => 0x8000, 4 => 0x7FFF, _ => random.Next(0x10000) });
                int at = random.Next(span.Length / 2) * 2;
                Write16(span[at..], word);
                return $"{what} word {at / 2} set to {word:X4}";
            case DicomVR.UL or DicomVR.SL or DicomVR.OL or DicomVR.FL when span.Length >= 4:
                uint value = random.Next(5) switch { 0 => 0, 1 => 0xFFFFFFFF, 2 => 0x7FFFFFFF, 3 => 0x80000000, _ => (uint)random.Next() };
                Write32(span, value);
                return $"{what} set to {value:X8}";
            case DicomVR.CS or DicomVR.DS or DicomVR.IS or DicomVR.LO or DicomVR.SH or DicomVR.PN or DicomVR.UI:
                string[] choices = element.Tag.Value switch
                {
                    0x00280004 => Photometrics,
                    0x00080005 => CharacterSets,
                    _ => Numbers,
                };
                string text = choices[random.Next(choices.Length)];
                var bytes = Encoding.Latin1.GetBytes(text);
                span.Fill((byte)' ');
                bytes.AsSpan(0, Math.Min(bytes.Length, span.Length)).CopyTo(span);
                return $"{what} set to '{text}'";
            default:
                int flips = random.Next(1, 4);
                for (int i = 0; i < flips; i++)
                {
                    span[random.Next(span.Length)] ^= (byte)(1 << random.Next(8));
                }
                return $"{what}: {flips} bit flips";
        }
    }

    // Rows and Columns together (with Bits Allocated, Samples per Pixel or Number of Frames): an image far larger than its pixel data.
    private string Geometry(byte[] body, Random random)
    {
        ushort[] sizes = [0xFFFF, 0x8000, 0x4001, 3000, 1];
        var changes = new List<(uint Tag, object Value)>
        {
            (0x00280010, sizes[random.Next(sizes.Length)]),
            (0x00280011, sizes[random.Next(sizes.Length)]),
        };
        switch (random.Next(4))
        {
            case 0:
                changes.Add((0x00280100, (ushort)(random.Next(2) == 0 ? 32 : 64)));
                changes.Add((0x00280002, (ushort)3));
                break;
            case 1:
                changes.Add((0x00280008, random.Next(2) == 0 ? "99999999" : "2147483647"));
                break;
            case 2:
                changes.Add((0x00280100, (ushort)1));
                break;
        }
        var done = new List<string>();
        foreach (var (tag, value) in changes)
        {
            if (_elements.FirstOrDefault(e => e.Tag.Value == tag && e.ValueLength >= 2 && e.ValueOffset + e.ValueLength <= body.Length) is not { } element)
            {
                continue;
            }
            var span = body.AsSpan((int)element.ValueOffset, (int)element.ValueLength);
            if (value is ushort word)
            {
                Write16(span, word);
            }
            else
            {
                span.Fill((byte)' ');
                Encoding.ASCII.GetBytes((string)value).AsSpan(0, Math.Min(((string)value).Length, span.Length)).CopyTo(span);
            }
            done.Add($"{element.Tag}={value}");
        }
        return done.Count > 0 ? "geometry " + string.Join(", ", done) : Flips(body, random);
    }

    private string Flips(byte[] body, Random random)
    {
        int flips = random.Next(1, 5);
        var at = new List<int>();
        for (int i = 0; i < flips; i++)
        {
            int offset = random.Next((int)Math.Min(_pixelOffset, body.Length));
            body[offset] ^= (byte)(1 << random.Next(8));
            at.Add(offset);
        }
        return $"bit flips at {string.Join(',', at)}";
    }

    private string Run(byte[] body, Random random)
    {
        int at = random.Next((int)Math.Min(_pixelOffset, body.Length));
        int run = Math.Min(random.Next(1, 9), body.Length - at);
        byte fill = (byte)(random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => random.Next(256) });
        body.AsSpan(at, run).Fill(fill);
        return $"{run} bytes at {at} set to {fill:X2}";
    }

    private string LengthField(byte[] body, Random random)
    {
        var element = _elements[random.Next(_elements.Count)];
        int size = !_explicitVR || element.VR.HasLongLength() || element.VR is DicomVR.SQ or DicomVR.UN or DicomVR.UT or DicomVR.UC or DicomVR.UR ? 4 : 2;
        int offset = (int)element.ValueOffset - size;
        if (offset < 0 || offset + size > body.Length)
        {
            return Flips(body, random);
        }
        uint value = random.Next(6) switch
        {
            0 => 0xFFFFFFFF,
            1 => element.ValueLength > 0 ? (uint)element.ValueLength - 1 : 1,
            2 => (uint)element.ValueLength + 2,
            3 => 0,
            4 => (uint)random.Next(),
            _ => (uint)random.Next(1, 64),
        };
        if (size == 4)
        {
            Write32(body.AsSpan(offset), value);
        }
        else
        {
            Write16(body.AsSpan(offset), (ushort)value);
        }
        return $"length of {element.Tag} at {offset} set to {value:X8}";
    }

    private string VR(byte[] body, Random random)
    {
        if (!_explicitVR)
        {
            return Value(body, random);
        }
        var element = _elements[random.Next(_elements.Count)];
        bool longForm = element.VR.HasLongLength() || element.VR is DicomVR.SQ or DicomVR.UN or DicomVR.UT or DicomVR.UC or DicomVR.UR;
        int at = (int)element.ValueOffset - (longForm ? 10 : 4);
        if (at < 0)
        {
            return Flips(body, random);
        }
        var choices = longForm ? LongVRs : ShortVRs;
        string vr = choices[random.Next(choices.Length)];
        Encoding.ASCII.GetBytes(vr, body.AsSpan(at, 2));
        return $"VR of {element.Tag} set to {vr}";
    }

    private string PixelData(ref byte[] body, Random random)
    {
        if (_pixels is null)
        {
            return Delimiter(ref body, random);
        }
        int value = (int)_pixels.ValueOffset;
        if (!_pixels.IsEncapsulated)
        {
            // Odd-length Pixel Data: one byte less, declared and present.
            int length = (int)Math.Min(_pixels.ValueLength, body.Length - value);
            int cut = random.Next(2) == 0 ? 1 : random.Next(1, Math.Max(2, length));
            Write32(body.AsSpan(value - 4), (uint)(length - cut));
            body = [.. body.AsSpan(0, value + length - cut), .. body.AsSpan(value + length)];
            return $"Pixel Data shortened by {cut} bytes";
        }
        // Encapsulated: the Basic Offset Table item, then fragments.
        var items = new List<int>();
        for (int at = value; at + 8 <= body.Length && items.Count < 64;)
        {
            uint tag = ReadTag(body.AsSpan(at));
            if (tag != 0xE000FFFE)
            {
                break;
            }
            items.Add(at);
            at += 8 + (int)Math.Min(Read32(body.AsSpan(at + 4)), int.MaxValue - at - 8);
        }
        if (items.Count == 0)
        {
            return Flips(body, random);
        }
        int item = items[random.Next(items.Count)];
        int itemLength = (int)Read32(body.AsSpan(item + 4));
        switch (random.Next(8))
        {
            case 5 or 6 or 7 when itemLength > 0 && item + 8 + itemLength <= body.Length:
                // Damage inside the compressed stream: its header (RLE segment table, JPEG markers, J2K main header) mostly.
                var fragment = body.AsSpan(item + 8, itemLength);
                int span = random.Next(2) == 0 ? Math.Min(fragment.Length, 64) : fragment.Length;
                int count = random.Next(1, 4);
                var changed = new List<string>();
                for (int i = 0; i < count; i++)
                {
                    int at = random.Next(span);
                    if (random.Next(2) == 0 && at + 4 <= fragment.Length)
                    {
                        uint word = random.Next(4) switch { 0 => 0, 1 => 0xFFFFFFFF, 2 => (uint)random.Next(1, 256), _ => (uint)random.Next() };
                        BinaryPrimitives.WriteUInt32LittleEndian(fragment[at..], word);
                        changed.Add($"{at}={word:X8}");
                    }
                    else
                    {
                        fragment[at] ^= (byte)(1 << random.Next(8));
                        changed.Add($"{at}^");
                    }
                }
                return $"item {items.IndexOf(item)} of Pixel Data: bytes {string.Join(',', changed)}";
            case 0:
                uint length = random.Next(4) switch { 0 => 0, 1 => 0xFFFFFFFF, 2 => (uint)itemLength + 1, _ => (uint)random.Next() };
                Write32(body.AsSpan(item + 4), length);
                return $"item {items.IndexOf(item)} of Pixel Data: length set to {length:X8}";
            case 1:
                Write32(body.AsSpan(item), 0xE00DFFFE);
                return $"item {items.IndexOf(item)} of Pixel Data: tag set to an item delimiter";
            case 2 when itemLength >= 4:
                int entry = random.Next(Math.Min(itemLength, 64) / 4) * 4;
                uint offset = random.Next(3) switch { 0 => 0xFFFFFFFF, 1 => (uint)random.Next(), _ => 1 };
                Write32(body.AsSpan(item + 8 + entry), offset);
                return $"item {items.IndexOf(item)} of Pixel Data: word at {entry} set to {offset:X8}";
            case 3 when itemLength > 0:
                body.AsSpan(item + 8, Math.Min(itemLength, 16)).Fill(0);
                return $"item {items.IndexOf(item)} of Pixel Data: first bytes zeroed";
            default:
                int cut = item + 8 + Math.Max(0, itemLength / 2);
                body = body[..Math.Min(cut, body.Length)];
                return $"cut inside item {items.IndexOf(item)} of Pixel Data at {cut}";
        }
    }

    // Drops an item or sequence delimiter (or a whole header) so that a sequence runs on unterminated.
    private string Delimiter(ref byte[] body, Random random)
    {
        var delimiters = new List<int>();
        for (int at = 0; at + 8 <= Math.Min(_pixelOffset, body.Length); at += 2)
        {
            uint tag = ReadTag(body.AsSpan(at));
            if (tag is 0xE00DFFFE or 0xE0DDFFFE && BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(at + 4)) == 0)
            {
                delimiters.Add(at);
            }
        }
        if (delimiters.Count == 0)
        {
            return LengthField(body, random);
        }
        int cut = delimiters[random.Next(delimiters.Count)];
        body = [.. body.AsSpan(0, cut), .. body.AsSpan(cut + 8)];
        return $"delimiter at {cut} removed";
    }

    private static string Truncate(ref byte[] body, Random random)
    {
        int cut = random.Next(body.Length / 2, body.Length);
        body = body[..cut];
        return $"truncated at {cut}";
    }

    // A tag as a little endian file holds it (group in the low half), whatever the byte order.
    private uint ReadTag(ReadOnlySpan<byte> span) => _bigEndian
        ? ((uint)BinaryPrimitives.ReadUInt16BigEndian(span[2..]) << 16) | BinaryPrimitives.ReadUInt16BigEndian(span)
        : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private uint Read32(ReadOnlySpan<byte> span) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);

    private void Write16(Span<byte> span, ushort value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private void Write32(Span<byte> span, uint value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }

    public override string ToString() => Name;
}
