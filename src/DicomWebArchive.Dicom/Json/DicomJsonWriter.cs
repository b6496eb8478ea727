using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Json;

/// <summary>
/// Writes the DICOM JSON Model (PS3.18 Annex F) straight from element bytes. Keys are the 8-digit
/// upper-case tags in ascending order; File Meta (0002) and group length (gggg,0000) elements are
/// left out; private elements and their creators are written like any other. Text is decoded per
/// Specific Character Set; create the <see cref="Utf8JsonWriter"/> with
/// <c>JavaScriptEncoder.UnsafeRelaxedJsonEscaping</c> to keep non-ASCII text unescaped.
/// </summary>
/// <remarks>
/// DS and IS values are written as JSON numbers, normalised to JSON grammar ("+1" → 1, ".5" → 0.5,
/// "5." → 5, "007" → 7). A value that is not a decimal number, or is beyond the double range, is
/// written as a JSON string holding its trimmed text, as PS3.18 2024 and later permit, so no value is
/// lost and the output is always valid JSON. FL/FD values holding NaN or an infinity, which JSON
/// numbers cannot express, make the whole attribute InlineBinary of its raw little-endian bytes. SV/UV
/// values beyond ±2^53 are strings. Empty entries of a multi-valued attribute are null.
/// </remarks>
public static partial class DicomJsonWriter
{
    private static readonly JsonEncodedText VrName = JsonEncodedText.Encode("vr");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("Value");
    private static readonly JsonEncodedText InlineBinaryName = JsonEncodedText.Encode("InlineBinary");
    private static readonly JsonEncodedText BulkDataUriName = JsonEncodedText.Encode("BulkDataURI");
    private static readonly FrozenDictionary<DicomVR, JsonEncodedText> VrCodes = Enum.GetValues<DicomVR>()
        .Where(vr => vr != DicomVR.None)
        .ToFrozenDictionary(vr => vr, vr => JsonEncodedText.Encode(vr.ToCode()));

    /// <summary>Writes one data set as a JSON object.</summary>
    public static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        var state = new WriteState(writer, options ?? DicomJsonOptions.Default, 0);
        try
        {
            WriteObject(ref state, dataset, DicomCharacterSet.Of(dataset));
        }
        finally
        {
            state.Dispose();
        }
    }

    /// <summary>Writes several data sets as a JSON array (the shape of QIDO results and WADO metadata).</summary>
    public static void WriteDatasets(Utf8JsonWriter writer, IEnumerable<DicomDataset> datasets, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(datasets);
        writer.WriteStartArray();
        int index = 0;
        var state = new WriteState(writer, options ?? DicomJsonOptions.Default, 0);
        try
        {
            foreach (var dataset in datasets)
            {
                state.DatasetIndex = index++;
                WriteObject(ref state, dataset, DicomCharacterSet.Of(dataset));
            }
        }
        finally
        {
            state.Dispose();
        }
        writer.WriteEndArray();
    }

    /// <summary>Convenience for tests and tools: one data set as a compact UTF-8 JSON string.</summary>
    public static string Serialize(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteDataset(writer, dataset, options);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteObject(ref WriteState state, DicomDataset dataset, DicomCharacterSet charset)
    {
        var writer = state.Writer;
        writer.WriteStartObject();
        bool sorted = true;
        for (int i = 1; i < dataset.Count && sorted; i++)
        {
            sorted = dataset[i - 1].Tag.Value <= dataset[i].Tag.Value;
        }
        if (sorted)
        {
            for (int i = 0; i < dataset.Count; i++)
            {
                WriteAttribute(ref state, dataset[i], charset);
            }
        }
        else
        {
            foreach (var element in dataset.OrderBy(e => e.Tag.Value))
            {
                WriteAttribute(ref state, element, charset);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteAttribute(ref WriteState state, DicomElement element, DicomCharacterSet charset)
    {
        var tag = element.Tag;
        if (tag.Group is 0x0002 or 0xFFFE || tag.IsGroupLength)
        {
            return;
        }
        var writer = state.Writer;
        Span<byte> key = stackalloc byte[8];
        tag.Value.TryFormat(key, out _, "X8", System.Globalization.CultureInfo.InvariantCulture);
        writer.WritePropertyName(key);
        writer.WriteStartObject();
        var vr = element.Items is not null ? DicomVR.SQ : element.VR == DicomVR.None ? DicomVR.UN : element.VR;
        if (vr == DicomVR.UN && element.Items is null)
        {
            // UN from a writer that did not know the attribute holds implicit VR little endian bytes (PS3.5 §6.2.2),
            // so a dictionary VR reads it; Private Creators are LO by definition (PS3.5 §7.8.1).
            var known = DicomDictionary.GetImplicitVR(tag);
            if (known is not (DicomVR.UN or DicomVR.SQ or DicomVR.None))
            {
                vr = known;
            }
        }
        writer.WriteString(VrName, VrCodes[vr]);
        if (element.Items is not null)
        {
            WriteItems(ref state, element, charset);
        }
        else if (!element.IsValueLoaded)
        {
            WriteBulkData(ref state, element);
        }
        else if (!element.Value.IsEmpty && vr != DicomVR.SQ)
        {
            WriteValue(ref state, element, vr, charset);
        }
        writer.WriteEndObject();
    }

    private static void WriteItems(ref WriteState state, DicomElement element, DicomCharacterSet charset)
    {
        var items = element.Items!;
        if (items.Count == 0)
        {
            return;
        }
        var writer = state.Writer;
        writer.WriteStartArray(ValueName);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var itemCharset = item.Find(DicomTags.SpecificCharacterSet) is { } own ? DicomCharacterSet.FromValue(own.Value.Span) : charset;
            state.Path.Add(new DicomSequenceStep(element.Tag, i));
            WriteObject(ref state, item, itemCharset);
            state.Path.RemoveAt(state.Path.Count - 1);
        }
        writer.WriteEndArray();
    }

    private static void WriteValue(ref WriteState state, DicomElement element, DicomVR vr, DicomCharacterSet charset)
    {
        if (element.Fragments is not null || vr.IsBinary())
        {
            bool large = element.ValueLength > state.Options.BulkDataThreshold;
            if (!large || !WriteBulkData(ref state, element))
            {
                var value = element.Value.Span;
                // Encapsulated values end with the Sequence Delimitation Item, which closes the value field rather than belonging to it.
                if (element.Fragments is not null && value.EndsWith((ReadOnlySpan<byte>)[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]))
                {
                    value = value[..^8];
                }
                state.Writer.WriteBase64String(InlineBinaryName, value);
            }
            return;
        }
        switch (vr)
        {
            case DicomVR.AT or DicomVR.FL or DicomVR.FD or DicomVR.SL or DicomVR.SS or DicomVR.UL or DicomVR.US or DicomVR.SV or DicomVR.UV:
                WriteBinaryNumbers(state.Writer, element.Value.Span, vr);
                break;
            case DicomVR.PN:
                WritePersonNames(ref state, element.Value.Span, charset);
                break;
            case DicomVR.DS or DicomVR.IS:
                WriteDecimalStrings(ref state, element.Value.Span, vr);
                break;
            default:
                WriteStrings(ref state, element.Value.Span, vr, charset);
                break;
        }
    }

    /// <summary>Writes BulkDataURI when the callback gives one; true when something was written.</summary>
    private static bool WriteBulkData(ref WriteState state, DicomElement element)
    {
        var factory = state.Options.BulkDataUri;
        if (factory is null)
        {
            return false;
        }
        var uri = factory(new BulkDataReference(state.DatasetIndex, state.PathCount == 0 ? [] : [.. state.Path], element));
        if (uri is null)
        {
            return false;
        }
        state.Writer.WriteString(BulkDataUriName, uri);
        return true;
    }

    private struct WriteState(Utf8JsonWriter writer, DicomJsonOptions options, int datasetIndex)
    {
        private List<DicomSequenceStep>? _path;

        public Utf8JsonWriter Writer { get; } = writer;

        public DicomJsonOptions Options { get; } = options;

        public int DatasetIndex { get; set; } = datasetIndex;

        /// <summary>Scratch buffer for decoded text, rented from the shared pool.</summary>
        public char[]? Chars;

        public List<DicomSequenceStep> Path => _path ??= [];

        public readonly int PathCount => _path?.Count ?? 0;

        public void Dispose()
        {
            if (Chars is not null)
            {
                ArrayPool<char>.Shared.Return(Chars);
                Chars = null;
            }
        }
    }
}
