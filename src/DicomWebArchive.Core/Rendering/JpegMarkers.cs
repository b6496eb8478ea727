namespace DicomWebArchive.Core.Rendering;

/// <summary>
/// With Photometric Interpretation RGB the JPEG codestream holds untransformed RGB (PS3.5 §8.2.1), but a decoder
/// that sees neither a JFIF nor an Adobe marker guesses YCbCr from component identifiers 1, 2, 3. An Adobe APP14
/// marker with transform 0 states RGB explicitly.
/// </summary>
internal static class JpegMarkers
{
    // FF EE, length 14, "Adobe", version 100, flags 0 and 0, transform 0 (none).
    private static readonly byte[] AdobeRgb = [0xFF, 0xEE, 0x00, 0x0E, (byte)'A', (byte)'d', (byte)'o', (byte)'b', (byte)'e', 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>The codestream, with an Adobe transform-0 marker after SOI when it declares no color space of its own.</summary>
    public static byte[] DeclareRgb(byte[] codestream)
    {
        if (codestream.Length < 4 || codestream[0] != 0xFF || codestream[1] != 0xD8 || DeclaresColorSpace(codestream))
        {
            return codestream;
        }
        var patched = new byte[codestream.Length + AdobeRgb.Length];
        codestream.AsSpan(0, 2).CopyTo(patched);
        AdobeRgb.CopyTo(patched, 2);
        codestream.AsSpan(2).CopyTo(patched.AsSpan(2 + AdobeRgb.Length));
        return patched;
    }

    // Walks the marker segments between SOI and the first frame header looking for APP0 "JFIF" or APP14 "Adobe".
    private static bool DeclaresColorSpace(ReadOnlySpan<byte> data)
    {
        int position = 2;
        while (position + 4 <= data.Length && data[position] == 0xFF)
        {
            byte marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC) || marker == 0xDA)
            {
                return false;
            }
            int length = (data[position + 2] << 8) | data[position + 3];
            var payload = data.Slice(position + 4, Math.Max(0, Math.Min(length - 2, data.Length - position - 4)));
            // Shorter markers are ignored by decoders (some encoders write a truncated Adobe marker), so they declare nothing.
            if ((marker == 0xE0 && payload.Length >= 14 && payload.StartsWith("JFIF"u8)) || (marker == 0xEE && payload.Length >= 12 && payload.StartsWith("Adobe"u8)))
            {
                return true;
            }
            position += 2 + length;
        }
        return false;
    }
}
