using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace DicomWebArchive.Dicom.Writing;

/// <summary>
/// Writes DICOM Part 10 files: 128-byte zero preamble, "DICM", a File Meta group built from the data
/// set, then the data set in Implicit VR Little Endian, Explicit VR Little Endian, Deflated Explicit VR
/// Little Endian or an encapsulated (explicit VR little endian) syntax. Values are padded to even
/// length; group length elements of the data set are dropped (they could not stay right).
/// </summary>
public static partial class DicomPart10Writer
{
    /// <summary>Implementation Class UID (0002,0012) of DicomWebArchive: a UUID-derived UID (PS3.5 Annex B.2).</summary>
    public const string ImplementationClassUid = "2.25.33479180843027783333853898608517537015";

    /// <summary>Implementation Version Name (0002,0013), at most 16 characters.</summary>
    public const string ImplementationVersionName = "DICOMWEBARCHIVE1";

    private const int FlushThreshold = 64 * 1024;

    private const int CopyChunk = 80 * 1024;

    /// <summary>Writes <paramref name="dataset"/> as a Part 10 file in <paramref name="syntax"/>.</summary>
    /// <exception cref="NotSupportedException">Big endian output (retired; the archive never produces it).</exception>
    /// <exception cref="InvalidOperationException">Pixel Data is native for an encapsulated syntax or the reverse, or a value was not loaded and cannot be opened.</exception>
    public static void Write(Stream stream, DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        options ??= DicomPart10WriterOptions.Default;
        EnsureSupported(dataset, syntax);
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold);
        WriteMeta(buffer, dataset, syntax, options);
        Flush(stream, buffer);
        if (syntax.IsDeflated)
        {
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteBody(deflate, buffer, dataset, syntax, options);
        }
        else
        {
            WriteBody(stream, buffer, dataset, syntax, options);
        }
        stream.Flush();
    }

    /// <summary>Asynchronous form of <see cref="Write"/>: the header is encoded in memory, large values go straight to the stream.</summary>
    public static async Task WriteAsync(Stream stream, DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        options ??= DicomPart10WriterOptions.Default;
        EnsureSupported(dataset, syntax);
        var buffer = new ArrayBufferWriter<byte>(FlushThreshold);
        WriteMeta(buffer, dataset, syntax, options);
        await FlushAsync(stream, buffer, cancellationToken).ConfigureAwait(false);
        var target = syntax.IsDeflated ? new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true) : stream;
        try
        {
            var encoder = new DicomDatasetEncoder(buffer, !syntax.IsExplicitVR, options.DefinedLengthSequences);
            foreach (var element in DicomDatasetEncoder.Writable(dataset))
            {
                if (IsStreamed(element))
                {
                    WriteStreamedHeader(encoder, element);
                    await FlushAsync(target, buffer, cancellationToken).ConfigureAwait(false);
                    await WriteStreamedValueAsync(target, element, options, cancellationToken).ConfigureAwait(false);
                    WriteStreamedTail(encoder, element);
                }
                else
                {
                    encoder.WriteElement(element, encoder.ImplicitVR);
                }
                if (buffer.WrittenCount >= FlushThreshold)
                {
                    await FlushAsync(target, buffer, cancellationToken).ConfigureAwait(false);
                }
            }
            await FlushAsync(target, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(target, stream))
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The File Meta group (0002,xxxx) for a data set, including its group length, as elements.</summary>
    public static DicomDataset BuildMeta(DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        var elements = new List<DicomElement>
        {
            Meta(DicomTags.FileMetaInformationVersion, DicomVR.OB, [0x00, 0x01]),
            Meta(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, UidBytes(options?.MediaStorageSopClassUid ?? dataset.GetAsciiString(DicomTags.SOPClassUID))),
            Meta(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, UidBytes(options?.MediaStorageSopInstanceUid ?? dataset.GetAsciiString(DicomTags.SOPInstanceUID))),
            Meta(DicomTags.TransferSyntaxUID, DicomVR.UI, UidBytes(syntax.Uid)),
            Meta(DicomTags.ImplementationClassUID, DicomVR.UI, UidBytes(ImplementationClassUid)),
            Meta(DicomTags.ImplementationVersionName, DicomVR.SH, Encoding.ASCII.GetBytes(ImplementationVersionName)),
        };
        if (options?.SourceApplicationEntityTitle is { } aeTitle)
        {
            elements.Add(Meta(new DicomTag(0x00020016), DicomVR.AE, TextBytes(aeTitle)));
        }
        long groupLength = elements.Sum(e => (e.VR.HasLongLength() ? 12 : 8) + e.Value.Length);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)groupLength);
        elements.Insert(0, Meta(DicomTags.FileMetaInformationGroupLength, DicomVR.UL, length));
        return new DicomDataset([.. elements]);
    }

    private static void EnsureSupported(DicomDataset dataset, TransferSyntax syntax)
    {
        if (syntax.IsBigEndian)
        {
            throw new NotSupportedException($"Writing {syntax.Name} is not supported; use Explicit VR Little Endian.");
        }
        // The writer copies pixel data as it is; changing between native and encapsulated needs a codec.
        if (dataset.Find(DicomTags.PixelData) is { } pixels && (pixels.IsValueLoaded || pixels.Fragments is not null)
            && DicomDatasetEncoder.IsEncapsulated(pixels) != syntax.IsEncapsulated)
        {
            throw new InvalidOperationException(syntax.IsEncapsulated
                ? $"Pixel Data is native; it cannot be written as {syntax.Name} without compressing it."
                : $"Pixel Data is encapsulated; it cannot be written as {syntax.Name} without decompressing it.");
        }
    }

    private static void WriteMeta(ArrayBufferWriter<byte> buffer, DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions options)
    {
        buffer.GetSpan(132)[..128].Clear();
        "DICM"u8.CopyTo(buffer.GetSpan(132)[128..]);
        buffer.Advance(132);
        var encoder = new DicomDatasetEncoder(buffer, defaultImplicitVR: false, definedLengthSequences: false);
        foreach (var element in BuildMeta(dataset, syntax, options))
        {
            encoder.WriteHeader(element.Tag, element.VR, (uint)element.Value.Length, implicitVR: false);
            encoder.Write(element.Value.Span);
        }
    }

    private static void WriteBody(Stream target, ArrayBufferWriter<byte> buffer, DicomDataset dataset, TransferSyntax syntax, DicomPart10WriterOptions options)
    {
        var encoder = new DicomDatasetEncoder(buffer, !syntax.IsExplicitVR, options.DefinedLengthSequences);
        foreach (var element in DicomDatasetEncoder.Writable(dataset))
        {
            if (IsStreamed(element))
            {
                WriteStreamedHeader(encoder, element);
                Flush(target, buffer);
                WriteStreamedValue(target, element, options);
                WriteStreamedTail(encoder, element);
            }
            else
            {
                encoder.WriteElement(element, encoder.ImplicitVR);
            }
            if (buffer.WrittenCount >= FlushThreshold)
            {
                Flush(target, buffer);
            }
        }
        Flush(target, buffer);
    }

    /// <summary>Top-level plain values that are large or not loaded go to the stream without a copy into the buffer.</summary>
    private static bool IsStreamed(DicomElement element) =>
        element.Items is null && (!element.IsValueLoaded || element.Value.Length >= FlushThreshold);

    private static void WriteStreamedHeader(DicomDatasetEncoder encoder, DicomElement element)
    {
        EnsureKnownLength(element);
        if (DicomDatasetEncoder.IsEncapsulated(element) || element.Fragments is not null)
        {
            encoder.WriteHeader(element.Tag, element.VR == DicomVR.None ? DicomVR.OB : element.VR, DicomDatasetEncoder.UndefinedLength, encoder.ImplicitVR);
            return;
        }
        encoder.WriteHeader(element.Tag, DicomDatasetEncoder.EncodedVR(element), checked((uint)DicomDatasetEncoder.PaddedLength(element)), encoder.ImplicitVR);
    }

    private static void WriteStreamedTail(DicomDatasetEncoder encoder, DicomElement element)
    {
        if (DicomDatasetEncoder.IsEncapsulated(element) || element.Fragments is not null)
        {
            if (!EndsWithSequenceDelimiter(element))
            {
                encoder.WriteHeader(DicomTags.SequenceDelimitationItem, DicomVR.None, 0, implicitVR: true);
            }
        }
        else if ((ValueLength(element) & 1) == 1)
        {
            encoder.WritePad(DicomDatasetEncoder.EncodedVR(element));
        }
    }

    // The reader's range of encapsulated pixel data it did not load runs through the Sequence Delimitation Item.
    private static bool EndsWithSequenceDelimiter(DicomElement element) => !element.IsValueLoaded
        || element.Value.Span.EndsWith((ReadOnlySpan<byte>)[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);

    private static long ValueLength(DicomElement element) => element.IsValueLoaded ? element.Value.Length : element.ValueLength;

    private static void WriteStreamedValue(Stream target, DicomElement element, DicomPart10WriterOptions options)
    {
        if (element.IsValueLoaded)
        {
            target.Write(element.Value.Span);
            return;
        }
        using var source = OpenValue(element, options);
        var chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            for (long remaining = element.ValueLength; remaining > 0;)
            {
                int count = (int)Math.Min(CopyChunk, remaining);
                source.ReadExactly(chunk, 0, count);
                SwapIfNeeded(chunk.AsSpan(0, count), element, options);
                target.Write(chunk, 0, count);
                remaining -= count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task WriteStreamedValueAsync(Stream target, DicomElement element, DicomPart10WriterOptions options, CancellationToken cancellationToken)
    {
        if (element.IsValueLoaded)
        {
            await target.WriteAsync(element.Value, cancellationToken).ConfigureAwait(false);
            return;
        }
        var source = OpenValue(element, options);
        await using (source.ConfigureAwait(false))
        {
            var chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
            try
            {
                for (long remaining = element.ValueLength; remaining > 0;)
                {
                    int count = (int)Math.Min(CopyChunk, remaining);
                    await source.ReadExactlyAsync(chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                    SwapIfNeeded(chunk.AsSpan(0, count), element, options);
                    await target.WriteAsync(chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                    remaining -= count;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    /// <summary>Chunks are a multiple of every value size, so a value never straddles two chunks.</summary>
    private static void SwapIfNeeded(Span<byte> bytes, DicomElement element, DicomPart10WriterOptions options)
    {
        if (!options.OpenValueIsBigEndian || element.Fragments is not null)
        {
            return;
        }
        int size = element.VR.ValueSize();
        int whole = size == 0 ? 0 : bytes.Length - bytes.Length % size;
        switch (size)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(bytes[..whole]), MemoryMarshal.Cast<byte, ushort>(bytes[..whole]));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(bytes[..whole]), MemoryMarshal.Cast<byte, uint>(bytes[..whole]));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(bytes[..whole]), MemoryMarshal.Cast<byte, ulong>(bytes[..whole]));
                break;
        }
    }

    private static Stream OpenValue(DicomElement element, DicomPart10WriterOptions options) =>
        options.OpenValue?.Invoke(element)
        ?? throw new InvalidOperationException($"The value of {element.Tag} was not loaded; set {nameof(DicomPart10WriterOptions.OpenValue)} to write it.");

    private static void EnsureKnownLength(DicomElement element)
    {
        if (!element.IsValueLoaded && element.ValueLength < 0)
        {
            throw new InvalidOperationException($"The value of {element.Tag} was not read to its end (reader stopped at it); read with PixelDataHandling.Scan or Load to write it.");
        }
    }

    private static void Flush(Stream stream, ArrayBufferWriter<byte> buffer)
    {
        stream.Write(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
    }

    private static async ValueTask FlushAsync(Stream stream, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        buffer.ResetWrittenCount();
    }

    private static DicomElement Meta(DicomTag tag, DicomVR vr, byte[] value) => new(tag, vr, value, -1, value.Length);

    private static byte[] UidBytes(string? uid)
    {
        var text = uid ?? string.Empty;
        var bytes = new byte[text.Length + (text.Length & 1)];
        Encoding.ASCII.GetBytes(text, bytes);
        return bytes;
    }

    private static byte[] TextBytes(string text)
    {
        var bytes = Encoding.ASCII.GetBytes((text.Length & 1) == 1 ? text + " " : text);
        return bytes;
    }
}
