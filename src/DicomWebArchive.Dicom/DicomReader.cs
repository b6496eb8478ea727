using System.IO.Compression;

namespace DicomWebArchive.Dicom;

/// <summary>Reads DICOM Part 10 files (or bare data sets) from a stream, forward only.</summary>
public static partial class DicomReader
{
    /// <summary>
    /// Reads the meta group and the data set up to (and per <see cref="DicomReaderOptions.PixelData"/>, through)
    /// Pixel Data. Reads the stream forward only, never seeks, and never allocates from an untrusted length.
    /// </summary>
    /// <remarks>
    /// Conventions of the result: values are little endian (big-endian input is swapped); offsets are
    /// stream positions, except in a deflated data set where they count from its first inflated byte
    /// (and frames are not located). Top-level Pixel Data is never loaded in Stop or Scan mode; in Stop
    /// mode encapsulated Pixel Data has ValueLength -1 and no fragments. Where a value is loaded for
    /// encapsulated Pixel Data (Load mode, or an icon in a sequence) it is the whole item sequence:
    /// offset table, fragments and the sequence delimiter. Undefined-length sequences and encapsulated
    /// Pixel Data report the bytes they span, delimiter included. A stream without meta group has its
    /// encoding guessed from the first element. <see cref="DicomFile.BytesRead"/> counts the bytes
    /// taken from the stream, read-ahead included. An element without a VR on the wire (implicit VR) takes
    /// the data dictionary's; a private one the private dictionary's under the creator that reserved its
    /// block earlier in the same data set or item, else UN (also where its value cannot be of that VR);
    /// native Pixel Data is OW, encapsulated Pixel Data OB.
    /// </remarks>
    /// <exception cref="DicomFormatException">The input is not valid DICOM.</exception>
    public static async ValueTask<DicomFile> ReadAsync(Stream stream, DicomReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DicomReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxInlineValueLength);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth);
        var buffer = new DicomReaderBuffer(stream);
        var reader = new DicomDatasetReader(buffer, options, cancellationToken);
        try
        {
            return await ReadAsync(stream, buffer, reader, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reader.Release();
        }
    }

    private static async ValueTask<DicomFile> ReadAsync(Stream stream, DicomReaderBuffer buffer, DicomDatasetReader reader, DicomReaderOptions options, CancellationToken cancellationToken)
    {
        await buffer.TryEnsureAsync(132, cancellationToken).ConfigureAwait(false);
        var head = buffer.Span;
        bool hasPreamble = head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8);
        if (hasPreamble)
        {
            buffer.Advance(132);
        }
        else if (head.Length >= 4 && head[..4].SequenceEqual("DICM"u8))
        {
            // The magic without its preamble: seen from writers that strip the 128 bytes.
            buffer.Advance(4);
        }

        var meta = DicomDataset.Empty;
        if (await buffer.TryEnsureAsync(8, cancellationToken).ConfigureAwait(false) && buffer.ReadUInt16(0, bigEndian: false) == 0x0002)
        {
            bool explicitMeta = DicomVRExtensions.TryParse(buffer[4], buffer[5], out _);
            meta = await reader.ReadMetaAsync(!explicitMeta).ConfigureAwait(false);
        }
        else if (!hasPreamble && !options.AllowMissingMeta)
        {
            DicomReaderThrow.Format("Not a DICOM file: no preamble, no DICM prefix and no meta group", 0);
        }

        long datasetOffset = buffer.Position;
        var uid = meta.GetAsciiString(DicomTags.TransferSyntaxUID);
        TransferSyntax syntax;
        if (string.IsNullOrEmpty(uid))
        {
            await buffer.TryEnsureAsync(8, cancellationToken).ConfigureAwait(false);
            syntax = DetectSyntax(buffer, strict: meta.Count == 0 && !hasPreamble);
        }
        else
        {
            syntax = TransferSyntax.Lookup(uid);
        }

        DicomInflateSource? inflate = null;
        DeflateStream? inflater = null;
        if (syntax.IsDeflated)
        {
            var unread = buffer.DetachUnread();
            inflate = new DicomInflateSource(unread, stream, buffer.BytesRead - unread.Length);
            inflater = new DeflateStream(inflate, CompressionMode.Decompress);
            buffer.SwitchStream(inflater);
        }

        DicomDataset dataset;
        try
        {
            dataset = await reader.ReadDatasetAsync(!syntax.IsExplicitVR, syntax.IsBigEndian).ConfigureAwait(false);
            if (inflate is not null && options.PixelData != PixelDataHandling.Stop)
            {
                await inflate.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException e) when (inflate is not null)
        {
            throw new DicomFormatException("The deflated data set is corrupt: " + e.Message, inflate.RawPosition, e);
        }
        finally
        {
            // Releases zlib's native state; the caller's stream stays open.
            inflater?.Dispose();
        }

        return new DicomFile
        {
            Meta = meta,
            Dataset = dataset,
            TransferSyntax = syntax,
            HasPreamble = hasPreamble,
            DatasetOffset = datasetOffset,
            PixelData = reader.PixelData is { } pixels ? DescribePixelData(pixels, dataset, deflated: inflate is not null) : null,
            BytesRead = inflate?.RawBytesRead ?? buffer.BytesRead,
        };
    }

    /// <summary>
    /// Guesses the encoding of a data set that no meta group describes from its first element:
    /// a VR after the tag means explicit VR; a small group number read big-endian means big endian.
    /// </summary>
    private static TransferSyntax DetectSyntax(DicomReaderBuffer buffer, bool strict)
    {
        var head = buffer.Span;
        if (head.Length == 0)
        {
            DicomReaderThrow.Format(strict ? "Empty stream" : "No data set after the meta group", buffer.Position);
        }
        if (head.Length < 8)
        {
            DicomReaderThrow.Truncated(buffer.Position + head.Length, 8 - head.Length);
        }
        bool explicitVR = DicomVRExtensions.TryParse(head[4], head[5], out _);
        int littleGroup = head[0] | (head[1] << 8);
        int bigGroup = (head[0] << 8) | head[1];
        bool bigEndian = explicitVR && bigGroup < littleGroup;
        int group = bigEndian ? bigGroup : littleGroup;
        // Without any DICOM marker, insist on what a data set starts with: a low, even group, and not the command
        // group 0000 (which is also what a run of zero bytes looks like).
        if (strict && (group == 0 || group > 0x00FF || (group & 1) != 0))
        {
            DicomReaderThrow.Format($"Not a DICOM file: no DICM prefix and the first tag group {group:X4} does not start a data set", buffer.Position);
        }
        return bigEndian ? TransferSyntax.ExplicitVRBigEndian
            : explicitVR ? TransferSyntax.ExplicitVRLittleEndian
            : TransferSyntax.ImplicitVRLittleEndian;
    }
}
