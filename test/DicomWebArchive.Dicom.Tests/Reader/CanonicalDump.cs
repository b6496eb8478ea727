using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DicomWebArchive.Dicom.Tests.Reader;

/// <summary>A text rendering of everything the reader reports, for comparing two reads of the same bytes.</summary>
internal static class CanonicalDump
{
    public static string Of(DicomFile file)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"syntax {file.TransferSyntax.Uid} preamble {file.HasPreamble} dataset@{file.DatasetOffset}\n");
        Append(text, file.Meta, 0);
        Append(text, file.Dataset, 0);
        if (file.PixelData is { } pixels)
        {
            text.Append(CultureInfo.InvariantCulture, $"pixels {pixels.Tag} {pixels.VR} @{pixels.ValueOffset} len {pixels.ValueLength} encapsulated {pixels.IsEncapsulated} frames {pixels.Frames.Count}\n");
            foreach (var frame in pixels.Frames)
            {
                text.Append(" frame");
                foreach (var range in frame)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {range.Offset}+{range.Length}");
                }
                text.Append('\n');
            }
        }
        return text.ToString();
    }

    private static void Append(StringBuilder text, DicomDataset dataset, int depth)
    {
        foreach (var element in dataset)
        {
            text.Append(' ', depth * 2);
            text.Append(CultureInfo.InvariantCulture, $"{element.Tag} {element.VR.ToCode()} @{element.ValueOffset} len {element.ValueLength} loaded {element.IsValueLoaded} {Convert.ToHexString(SHA256.HashData(element.Value.Span))[..16]}");
            if (element.Fragments is { } fragments)
            {
                text.Append(" fragments");
                foreach (var fragment in fragments)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {fragment.Offset}+{fragment.Length}");
                }
            }
            text.Append('\n');
            if (element.Items is { } items)
            {
                foreach (var item in items)
                {
                    text.Append(' ', depth * 2 + 1);
                    text.Append("item\n");
                    Append(text, item, depth + 1);
                }
            }
        }
    }
}
