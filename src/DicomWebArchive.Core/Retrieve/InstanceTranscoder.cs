using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Core.Retrieve;

/// <summary>
/// Re-encodes a stored native instance (Implicit VR LE, Explicit VR BE, Deflated) as Explicit VR Little Endian
/// (or Deflated) Part 10. The header is parsed, stepping over large values; those, Pixel Data included, are then read
/// from their offsets in the same blob as they are written, so memory stays flat, except for deflated input whose
/// offsets only exist in the inflated stream.
/// </summary>
public static class InstanceTranscoder
{
    private static readonly DicomReaderOptions StreamingOptions = new() { PixelData = PixelDataHandling.Scan };

    private static readonly DicomReaderOptions InflatedOptions = new() { PixelData = PixelDataHandling.Load, MaxInlineValueLength = int.MaxValue };

    /// <param name="blob">The stored blob, from its start; seekable unless it is deflated.</param>
    public static async Task WriteAsync(Stream blob, TransferSyntax stored, TransferSyntax target, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(target);
        if (stored.IsEncapsulated)
        {
            throw new NotSupportedException($"{stored.Name} data is not decompressed.");
        }
        if (!stored.IsDeflated && !blob.CanSeek)
        {
            throw new ArgumentException("Converting a stored instance reads its values from their offsets: the blob stream must be seekable.", nameof(blob));
        }
        var file = await DicomReader.ReadAsync(blob, stored.IsDeflated ? InflatedOptions : StreamingOptions, cancellationToken).ConfigureAwait(false);
        if (stored.IsDeflated)
        {
            await DicomPart10Writer.WriteAsync(output, file.Dataset, target, cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        int bitsAllocated = BitsAllocated(file.Dataset);
        var options = new DicomPart10WriterOptions
        {
            OpenValue = element => new ValueStream(blob, element.ValueOffset, element.ValueLength, stored.IsBigEndian ? SwapUnit(element, bitsAllocated) : 1),
        };
        await DicomPart10Writer.WriteAsync(output, file.Dataset, target, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The word size to swap a big-endian value by; Pixel Data goes by Bits Allocated so pixels come out little endian.</summary>
    public static int SwapUnit(DicomElement element, int bitsAllocated)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.Tag == DicomTags.PixelData && element.VR == DicomVR.OW)
        {
            return bitsAllocated is 32 or 64 ? bitsAllocated / 8 : 2;
        }
        return element.VR == DicomVR.AT ? 2 : element.VR.ValueSize();
    }

    private static int BitsAllocated(DicomDataset dataset) =>
        dataset.Find(DicomTags.BitsAllocated) is { IsValueLoaded: true, Value.Length: >= 2 } e ? e.Value.Span[0] | (e.Value.Span[1] << 8) : 16;

    /// <summary>A window of the blob that the writer reads and disposes; the blob itself stays open for the next value.</summary>
    internal sealed class ValueStream(Stream blob, long offset, long length, int swapUnit) : Stream
    {
        private long _position;
        private bool _positioned;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Position0();
            int want = (int)Math.Min(buffer.Length, length - _position);
            if (swapUnit > 1 && want >= swapUnit)
            {
                want -= want % swapUnit;
            }
            int total = 0;
            while (total < want)
            {
                int read = blob.Read(buffer[total..want]);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            BlobRanges.Swap(buffer[..total], swapUnit);
            _position += total;
            return total;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Position0();
            int want = (int)Math.Min(buffer.Length, length - _position);
            if (swapUnit > 1 && want >= swapUnit)
            {
                want -= want % swapUnit;
            }
            int total = 0;
            while (total < want)
            {
                int read = await blob.ReadAsync(buffer[total..want], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            BlobRanges.Swap(buffer.Span[..total], swapUnit);
            _position += total;
            return total;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Position0()
        {
            if (!_positioned)
            {
                blob.Position = offset;
                _positioned = true;
            }
        }
    }
}
