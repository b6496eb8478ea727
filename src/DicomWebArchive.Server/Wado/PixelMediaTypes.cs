using DicomWebArchive.Dicom;

namespace DicomWebArchive.Server.Wado;

/// <summary>The media type of compressed pixel data per transfer syntax (PS3.18 Table 8.7.3-4/5).</summary>
internal static class PixelMediaTypes
{
    public const string OctetStream = "application/octet-stream";

    /// <summary>The media type under which frames of <paramref name="syntax"/> are sent as stored.</summary>
    public static string For(TransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        if (!syntax.IsEncapsulated)
        {
            return OctetStream;
        }
        return syntax.Uid switch
        {
            "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" or "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => "image/jpeg",
            "1.2.840.10008.1.2.4.80" or "1.2.840.10008.1.2.4.81" => "image/jls",
            "1.2.840.10008.1.2.4.90" or "1.2.840.10008.1.2.4.91" => "image/jp2",
            "1.2.840.10008.1.2.4.92" or "1.2.840.10008.1.2.4.93" => "image/jpx",
            "1.2.840.10008.1.2.4.201" or "1.2.840.10008.1.2.4.202" or "1.2.840.10008.1.2.4.203" => "image/jphc",
            "1.2.840.10008.1.2.4.110" or "1.2.840.10008.1.2.4.111" or "1.2.840.10008.1.2.4.112" => "image/jxl",
            "1.2.840.10008.1.2.5" => "image/dicom-rle",
            "1.2.840.10008.1.2.4.100" or "1.2.840.10008.1.2.4.101" => "video/mpeg",
            "1.2.840.10008.1.2.4.102" or "1.2.840.10008.1.2.4.103" or "1.2.840.10008.1.2.4.104" or "1.2.840.10008.1.2.4.105" or "1.2.840.10008.1.2.4.106" => "video/mp4",
            "1.2.840.10008.1.2.4.107" or "1.2.840.10008.1.2.4.108" => "video/H265",
            _ => OctetStream,
        };
    }
}
