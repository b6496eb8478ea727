using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Wado;

internal enum RetrieveShape
{
    Multipart,
    SinglePart,
    Zip,
}

/// <summary>How DICOM instances are sent; <see cref="RequestedSyntax"/> is the transfer-syntax parameter (null: the default).</summary>
internal sealed record InstanceRepresentation(RetrieveShape Shape, string? RequestedSyntax)
{
    /// <summary>The syntax an instance stored as <paramref name="stored"/> is sent in, or null when it cannot be.</summary>
    public TransferSyntax? TargetFor(TransferSyntax stored) => RetrieveNegotiator.ResolveInstanceSyntax(RequestedSyntax, stored);
}

/// <summary>How pixel data (frames, Pixel Data bulk data) is sent: each part's media type and the transfer syntax it is in.</summary>
internal sealed record PixelRepresentation(RetrieveShape Shape, string MediaType, string TransferSyntaxUid);

/// <summary>
/// The outcome of negotiation: a representation, or why none fits (the 406 message). Both are set when the
/// representation fits only some of the data (the rest is left out, and the problem says why).
/// </summary>
internal sealed record Negotiated<T>(T? Value, string? Problem) where T : class
{
    public static Negotiated<T> Fail(string problem) => new(null, problem);
}

/// <summary>
/// Accept negotiation of PS3.18 §8.7.8: the first acceptable range (best q first) wins. The representation is the
/// stored one or, for native (uncompressed) data, Explicit VR Little Endian; nothing is decompressed or compressed.
/// Without a transfer-syntax parameter the default is Explicit VR Little Endian (§8.7.3); compressed data, which the
/// archive does not decompress, is then sent as stored, which §8.7.3 allows for data held only in a compressed form.
/// </summary>
internal static class RetrieveNegotiator
{
    private const string Dicom = "application/dicom";
    private const string Zip = "application/zip";

    public static Negotiated<InstanceRepresentation> NegotiateInstances(IReadOnlyList<MediaType> ranges, IReadOnlyCollection<TransferSyntax> stored, bool singleInstance)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(stored);
        string? problem = null;
        InstanceRepresentation? partial = null;
        foreach (var range in ranges)
        {
            RetrieveShape shape;
            if (range.IsMultipart || range.Name is "multipart/*" or "*/*")
            {
                if (range.PartType is { } part && !MediaType.Matches(part, Dicom))
                {
                    problem ??= $"Instances are sent as multipart/related; type=\"{Dicom}\", not type=\"{part}\".";
                    continue;
                }
                shape = RetrieveShape.Multipart;
            }
            else if (range.Name == Dicom)
            {
                if (!singleInstance)
                {
                    problem ??= $"{Dicom} holds a single instance; ask for multipart/related; type=\"{Dicom}\" or {Zip}.";
                    continue;
                }
                shape = RetrieveShape.SinglePart;
            }
            else if (range.Name == Zip)
            {
                shape = RetrieveShape.Zip;
            }
            else
            {
                continue;
            }
            var candidate = new InstanceRepresentation(shape, range.TransferSyntax);
            var missing = stored.Where(s => candidate.TargetFor(s) is null).ToList();
            if (missing.Count == 0)
            {
                return new(candidate, null);
            }
            if (missing.Count < stored.Count && shape != RetrieveShape.SinglePart)
            {
                partial ??= candidate;
            }
            problem ??= $"Transfer syntax {range.TransferSyntax} is not available: the data is stored as {Describe(missing)}; ask for transfer-syntax=* or the stored UID"
                + (missing.All(s => !s.IsEncapsulated) ? $" or {TransferSyntax.ExplicitVRLittleEndian.Uid}." : ".");
        }
        if (partial is not null)
        {
            // Some instances fit the best range that fits any: send those (206) and say what was left out (§10.4.3).
            return new(partial, problem);
        }
        return Negotiated<InstanceRepresentation>.Fail(problem ?? $"Instances are available as multipart/related; type=\"{Dicom}\", {Dicom} (one instance) or {Zip}.");
    }

    /// <summary>The syntax sent for <paramref name="requested"/> ("*", a UID, or null for the default), or null when it cannot be made.</summary>
    public static TransferSyntax? ResolveInstanceSyntax(string? requested, TransferSyntax stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (requested == MediaType.AnyTransferSyntax || requested == stored.Uid)
        {
            return stored;
        }
        if (requested is null)
        {
            return stored.IsEncapsulated ? stored : TransferSyntax.ExplicitVRLittleEndian;
        }
        if (!stored.IsEncapsulated && (requested == TransferSyntax.ExplicitVRLittleEndian.Uid || requested == TransferSyntax.DeflatedExplicitVRLittleEndian.Uid))
        {
            return TransferSyntax.Lookup(requested);
        }
        return null;
    }

    /// <summary>Frames or Pixel Data of an instance stored as <paramref name="stored"/>.</summary>
    public static Negotiated<PixelRepresentation> NegotiatePixels(IReadOnlyList<MediaType> ranges, TransferSyntax stored, bool singleItem)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(stored);
        // Native data is sent little endian whatever its stored byte order; compressed data exactly as stored.
        bool compressed = stored.IsEncapsulated;
        string storedMedia = PixelMediaTypes.For(stored);
        string sentUid = compressed ? stored.Uid : TransferSyntax.ExplicitVRLittleEndian.Uid;
        var sent = compressed ? stored : TransferSyntax.ExplicitVRLittleEndian;
        string? problem = null;
        foreach (var range in ranges)
        {
            bool multipart = range.IsMultipart || range.Name is "multipart/*" or "*/*";
            string partType = multipart ? range.PartType ?? PixelMediaTypes.OctetStream : range.Name;
            if (!multipart && !singleItem)
            {
                problem ??= $"{range.Name} holds a single item; ask for multipart/related; type=\"{storedMedia}\".";
                continue;
            }
            var shape = multipart ? RetrieveShape.Multipart : RetrieveShape.SinglePart;
            string? syntax = range.TransferSyntax;
            bool syntaxFits = syntax is null || syntax == MediaType.AnyTransferSyntax || syntax == sentUid;
            if (range.Name == "*/*" && syntax is null)
            {
                return new(new PixelRepresentation(RetrieveShape.Multipart, storedMedia, sentUid), null);
            }
            if (storedMedia != PixelMediaTypes.OctetStream && MediaType.Matches(partType, storedMedia))
            {
                if (syntaxFits)
                {
                    return new(new PixelRepresentation(shape, storedMedia, sentUid), null);
                }
            }
            else if (MediaType.Matches(partType, PixelMediaTypes.OctetStream))
            {
                // octet-stream without a syntax means uncompressed; compressed data qualifies only when the client takes any syntax.
                if (compressed ? syntax == MediaType.AnyTransferSyntax || syntax == sentUid : syntaxFits)
                {
                    return new(new PixelRepresentation(shape, storedMedia, sentUid), null);
                }
            }
            else
            {
                problem ??= $"Pixel data is stored as {Describe([sent])} and is available as {storedMedia}, not {partType}.";
                continue;
            }
            problem ??= $"Pixel data is stored as {Describe([sent])} and is not transcoded; ask for transfer-syntax={sentUid} or transfer-syntax=*"
                + (compressed ? $" (type=\"{storedMedia}\")." : ".");
        }
        return Negotiated<PixelRepresentation>.Fail(problem ?? $"Pixel data is available as multipart/related; type=\"{storedMedia}\"; transfer-syntax={sentUid}.");
    }

    /// <summary>Bulk data other than pixel data: little-endian bytes as application/octet-stream.</summary>
    public static Negotiated<PixelRepresentation> NegotiateBulkData(IReadOnlyList<MediaType> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var range in ranges)
        {
            bool multipart = range.IsMultipart || range.Name is "multipart/*" or "*/*";
            string partType = multipart ? range.PartType ?? PixelMediaTypes.OctetStream : range.Name;
            if (MediaType.Matches(partType, PixelMediaTypes.OctetStream)
                && range.TransferSyntax is null or MediaType.AnyTransferSyntax or "1.2.840.10008.1.2.1")
            {
                return new(new PixelRepresentation(multipart ? RetrieveShape.Multipart : RetrieveShape.SinglePart, PixelMediaTypes.OctetStream, TransferSyntax.ExplicitVRLittleEndian.Uid), null);
            }
        }
        return Negotiated<PixelRepresentation>.Fail($"Bulk data is available as multipart/related; type=\"{PixelMediaTypes.OctetStream}\" or {PixelMediaTypes.OctetStream}.");
    }

    private static string Describe(IEnumerable<TransferSyntax> syntaxes) =>
        string.Join(", ", syntaxes.Distinct().Select(s => $"{s.Name} ({s.Uid})"));
}
