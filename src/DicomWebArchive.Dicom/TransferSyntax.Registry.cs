using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace DicomWebArchive.Dicom;

public sealed partial record TransferSyntax
{
    /// <summary>The registered transfer syntax of a UID (trailing NUL or space padding ignored).</summary>
    public static bool TryLookup(string uid, [NotNullWhen(true)] out TransferSyntax? syntax) =>
        Known.Registry.TryGetValue(uid.TrimEnd('\0', ' '), out syntax);

    /// <summary>
    /// The registered transfer syntax of a UID, or for an unknown UID a stand-in with
    /// <see cref="IsKnown"/> false: explicit VR little endian and encapsulated, because every
    /// transfer syntax defined since the original standard (deflate aside) is so (PS3.5 §10).
    /// </summary>
    public static TransferSyntax Lookup(string uid)
    {
        if (TryLookup(uid, out var syntax))
        {
            return syntax;
        }
        var trimmed = uid.TrimEnd('\0', ' ');
        return new TransferSyntax(trimmed, "Unknown transfer syntax " + trimmed, true, false, false, true, false) { IsKnown = false };
    }

    /// <summary>Every transfer syntax the registry knows.</summary>
    public static IReadOnlyCollection<TransferSyntax> All => Known.Registry.Values;

    public static readonly TransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", true, false, false, true, false);
    public static readonly TransferSyntax JPEGBaseline8Bit = Jpeg("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", lossy: true);
    public static readonly TransferSyntax JPEGLosslessSV1 = Jpeg("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", lossy: false);
    public static readonly TransferSyntax JPEGLSLossless = Jpeg("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", lossy: false);
    public static readonly TransferSyntax JPEG2000Lossless = Jpeg("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", lossy: false);
    public static readonly TransferSyntax JPEG2000 = Jpeg("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", lossy: true);
    public static readonly TransferSyntax RLELossless = Jpeg("1.2.840.10008.1.2.5", "RLE Lossless", lossy: false);
    public static readonly TransferSyntax HTJ2KLossless = Jpeg("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", lossy: false);
    public static readonly TransferSyntax HTJ2KLosslessRPCL = Jpeg("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", lossy: false);
    public static readonly TransferSyntax HTJ2K = Jpeg("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", lossy: true);
    public static readonly TransferSyntax JPEGXLLossless = Jpeg("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", lossy: false);
    public static readonly TransferSyntax JPEGXLJPEGRecompression = Jpeg("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", lossy: true);
    public static readonly TransferSyntax JPEGXL = Jpeg("1.2.840.10008.1.2.4.112", "JPEG XL", lossy: true);

    private static TransferSyntax Jpeg(string uid, string name, bool lossy, bool retired = false) =>
        new(uid, name, true, false, false, true, lossy) { IsRetired = retired };

    private static TransferSyntax Native(string uid, string name, bool retired = false) =>
        new(uid, name, true, false, false, false, false) { IsRetired = retired };

    // Facts of PS3.6 Table A-1 (the embedded uids.tsv) with the PS3.5 encoding of each syntax.
    // JPEG XL JPEG Recompression counts as lossy: it restores a lossy JPEG bit stream exactly.
    // MPEG and HEVC video are lossy; JPIP Referenced has no pixel data, so it is not encapsulated.
    // A nested class so that the table is built after every static field of the record is set.
    private static class Known
    {
        public static readonly FrozenDictionary<string, TransferSyntax> Registry = new[]
        {
            ImplicitVRLittleEndian,
            ExplicitVRLittleEndian,
            EncapsulatedUncompressedExplicitVRLittleEndian,
            DeflatedExplicitVRLittleEndian,
            ExplicitVRBigEndian,
            JPEGBaseline8Bit,
            Jpeg("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 and 5)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 and 12)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 and 13)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", lossy: false),
            Jpeg("1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15)", lossy: false, retired: true),
            Jpeg("1.2.840.10008.1.2.4.59", "JPEG Extended, Hierarchical (Process 16 and 18)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.60", "JPEG Extended, Hierarchical (Process 17 and 19)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.61", "JPEG Spectral Selection, Hierarchical (Process 20 and 22)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.62", "JPEG Spectral Selection, Hierarchical (Process 21 and 23)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.63", "JPEG Full Progression, Hierarchical (Process 24 and 26)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.64", "JPEG Full Progression, Hierarchical (Process 25 and 27)", lossy: true, retired: true),
            Jpeg("1.2.840.10008.1.2.4.65", "JPEG Lossless, Hierarchical (Process 28)", lossy: false, retired: true),
            Jpeg("1.2.840.10008.1.2.4.66", "JPEG Lossless, Hierarchical (Process 29)", lossy: false, retired: true),
            JPEGLosslessSV1,
            JPEGLSLossless,
            Jpeg("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", lossy: true),
            JPEG2000Lossless,
            JPEG2000,
            Jpeg("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", lossy: false),
            Jpeg("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", lossy: true),
            Native("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
            new TransferSyntax("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true, false, true, false, false),
            Jpeg("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", lossy: true),
            Jpeg("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", lossy: true),
            JPEGXLLossless,
            JPEGXLJPEGRecompression,
            JPEGXL,
            HTJ2KLossless,
            HTJ2KLosslessRPCL,
            HTJ2K,
            RLELossless,
            Native("1.2.840.10008.1.2.6.1", "RFC 2557 MIME encapsulation", retired: true),
            Native("1.2.840.10008.1.2.6.2", "XML Encoding", retired: true),
            Native("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video"),
            Native("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video"),
            Native("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio"),
            new TransferSyntax("1.2.840.10008.1.20", "Papyrus 3 Implicit VR Little Endian", false, false, false, false, false) { IsRetired = true },
        }.ToFrozenDictionary(static s => s.Uid, StringComparer.Ordinal);
    }
}
