using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace DicomWebArchive.Dicom.Tests.Support;

/// <summary>Rewrites the reference toolkits' documented quirks so that what remains is a real difference.</summary>
internal static class OracleNormalisation
{
    private static readonly HashSet<string> LeadingSpaceInsignificant = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "SH", "TM", "UI"];

    private static readonly HashSet<string> StringVRs = ["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "SH", "ST", "TM", "UC", "UI", "UR", "UT"];

    /// <summary>pydicom's <c>to_json_dict</c> quirks.</summary>
    public static void Pydicom(JsonNode? node)
    {
        if (node is not JsonObject dataset)
        {
            return;
        }
        foreach (var key in dataset.Select(p => p.Key).ToList())
        {
            // pydicom keeps group length elements, which PS3.18 F.2 leaves out of DICOM JSON.
            if (key.EndsWith("0000", StringComparison.Ordinal))
            {
                dataset.Remove(key);
                continue;
            }
            if (dataset[key] is not JsonObject attribute || attribute["Value"] is not JsonArray values)
            {
                continue;
            }
            var vr = attribute["vr"]!.GetValue<string>();
            for (int i = 0; i < values.Count; i++)
            {
                switch (vr)
                {
                    case "SQ":
                        Pydicom(values[i]);
                        break;
                    case "PN" when values[i] is JsonObject name:
                        // pydicom keeps a name of delimiters only ("^^^^"); it names nobody, and dcm2json and we write it as empty.
                        foreach (var group in name.Where(g => g.Value!.GetValue<string>().Trim('^', ' ').Length == 0).Select(g => g.Key).ToList())
                        {
                            name.Remove(group);
                        }
                        if (name.Count == 0)
                        {
                            values[i] = null;
                        }
                        break;
                    case var _ when StringVRs.Contains(vr) && values[i] is JsonValue text && text.GetValueKind() == System.Text.Json.JsonValueKind.String:
                        // pydicom strips the padding of the whole value only; PS3.5 §6.2 makes each value's trailing (and for some VRs leading) spaces insignificant.
                        var trimmed = text.GetValue<string>().TrimEnd(' ', '\0');
                        if (LeadingSpaceInsignificant.Contains(vr))
                        {
                            trimmed = trimmed.TrimStart(' ');
                        }
                        // pydicom writes an empty entry of a multi-valued attribute as "" where PS3.18 F.2.5 has null.
                        values[i] = trimmed.Length == 0 ? null : trimmed;
                        break;
                }
            }
            // pydicom writes an empty sequence or value as "Value": [] (or [null]) where PS3.18 F.2.5 has no Value at all.
            if (values.Count == 0 || (values.Count == 1 && values[0] is null))
            {
                attribute.Remove("Value");
            }
        }
    }

    /// <summary>
    /// pydicom replaces the UN that an explicit VR file states for a private element with its private
    /// dictionary's VR (<c>config.replace_un_with_known_vr</c>); dcmtk keeps the file's UN, and so do we.
    /// Accept our UN only when pydicom's values encode back to exactly our bytes.
    /// </summary>
    public static void PydicomPrivateUN(JsonNode? theirs, JsonNode? ours)
    {
        if (theirs is not JsonObject their || ours is not JsonObject our)
        {
            return;
        }
        foreach (var (key, value) in our.ToList())
        {
            if (their[key] is not JsonObject theirAttribute || value is not JsonObject ourAttribute)
            {
                continue;
            }
            if (theirAttribute["Value"] is JsonArray theirItems && ourAttribute["Value"] is JsonArray ourItems && theirAttribute["vr"]!.GetValue<string>() == "SQ")
            {
                for (int i = 0; i < Math.Min(theirItems.Count, ourItems.Count); i++)
                {
                    PydicomPrivateUN(theirItems[i], ourItems[i]);
                }
                continue;
            }
            bool isPrivate = (Convert.ToUInt32(key[..4], 16) & 1) == 1;
            if (!isPrivate || ourAttribute["vr"]!.GetValue<string>() != "UN" || theirAttribute["vr"]!.GetValue<string>() == "UN")
            {
                continue;
            }
            var ourBytes = ourAttribute["InlineBinary"] is JsonValue inline ? Convert.FromBase64String(inline.GetValue<string>()) : [];
            var theirBytes = Encode(theirAttribute);
            if (theirBytes is not null && Unpadded(theirBytes).SequenceEqual(Unpadded(ourBytes)))
            {
                their[key] = ourAttribute.DeepClone();
            }
        }
    }

    private static ReadOnlySpan<byte> Unpadded(byte[] bytes) => bytes.AsSpan().TrimEnd((byte)0).TrimEnd((byte)' ');

    /// <summary>The little-endian value field of a JSON attribute, or null when we cannot rebuild it.</summary>
    private static byte[]? Encode(JsonObject attribute)
    {
        var vr = attribute["vr"]!.GetValue<string>();
        if (attribute["InlineBinary"] is JsonValue inline)
        {
            return Convert.FromBase64String(inline.GetValue<string>());
        }
        if (attribute["Value"] is not JsonArray values)
        {
            return [];
        }
        if (StringVRs.Contains(vr))
        {
            return Encoding.Latin1.GetBytes(string.Join('\\', values.Select(v => v is null ? "" : v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.ToJsonString() : v.GetValue<string>())));
        }
        int size = vr switch { "US" or "SS" => 2, "UL" or "SL" or "FL" => 4, "FD" => 8, _ => 0 };
        if (size == 0)
        {
            return null;
        }
        var bytes = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            var span = bytes.AsSpan(i * size);
            double number = values[i]!.GetValue<double>();
            switch (vr)
            {
                case "US": BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)number); break;
                case "SS": BinaryPrimitives.WriteInt16LittleEndian(span, (short)number); break;
                case "UL": BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)number); break;
                case "SL": BinaryPrimitives.WriteInt32LittleEndian(span, (int)number); break;
                case "FL": BinaryPrimitives.WriteSingleLittleEndian(span, (float)number); break;
                case "FD": BinaryPrimitives.WriteDoubleLittleEndian(span, number); break;
            }
        }
        return bytes;
    }

    /// <summary>dcmtk pads an odd-length value with a NUL when it loads it; we keep the value as the file has it.</summary>
    public static void Dcm2json(JsonNode? theirs, JsonNode? ours)
    {
        if (theirs is not JsonObject their || ours is not JsonObject our)
        {
            return;
        }
        foreach (var (key, value) in our.ToList())
        {
            if (their[key] is not JsonObject theirAttribute || value is not JsonObject ourAttribute)
            {
                continue;
            }
            if (theirAttribute["Value"] is JsonArray theirItems && ourAttribute["Value"] is JsonArray ourItems && ourAttribute["vr"]!.GetValue<string>() == "SQ")
            {
                for (int i = 0; i < Math.Min(theirItems.Count, ourItems.Count); i++)
                {
                    Dcm2json(theirItems[i], ourItems[i]);
                }
            }
            else if (theirAttribute["InlineBinary"] is JsonValue theirInline && ourAttribute["InlineBinary"] is JsonValue ourInline)
            {
                var theirBytes = Convert.FromBase64String(theirInline.GetValue<string>());
                var ourBytes = Convert.FromBase64String(ourInline.GetValue<string>());
                if (ourBytes.Length % 2 == 1 && theirBytes.Length == ourBytes.Length + 1 && theirBytes[^1] == 0 && theirBytes.AsSpan(0, ourBytes.Length).SequenceEqual(ourBytes))
                {
                    theirAttribute["InlineBinary"] = ourInline.GetValue<string>();
                }
            }
        }
    }

    /// <summary>Formats a number the way a DS/IS value would hold it (for rebuilding text values).</summary>
    public static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
