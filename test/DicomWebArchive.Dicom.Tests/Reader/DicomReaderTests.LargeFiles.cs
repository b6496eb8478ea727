namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    private const uint TwoGigabytes = 0x8000_0000;

    [Test]
    public async Task ReadAsync_StopModeOnTwoGigabytePixelData_ReadsOnlyTheHeader()
    {
        var stream = new ZeroTailStream(Header(TwoGigabytes, frames: 4096), TwoGigabytes);
        var file = await DicomReader.ReadAsync(stream);

        Assert.That(stream.BytesHandedOut, Is.LessThan(16 * 1024));
        Assert.That(file.BytesRead, Is.EqualTo(stream.BytesHandedOut));
        var pixels = file.PixelData!;
        Assert.That(pixels.ValueLength, Is.EqualTo(TwoGigabytes));
        Assert.That(pixels.Frames, Has.Count.EqualTo(4096));
        Assert.That(pixels.Frames[4095], Is.EqualTo(new[] { new ByteRange(pixels.ValueOffset + 4095L * 512 * 512 * 2, 512 * 512 * 2) }));
        var element = file.Dataset.Find(DicomTags.PixelData)!;
        Assert.That(element.IsValueLoaded, Is.False);
        Assert.That(element.ValueOffset, Is.EqualTo(pixels.ValueOffset));
    }

    [Test]
    public async Task ReadAsync_ScanModeOnLargePixelData_ReadsToTheEndWithoutKeepingPixels()
    {
        const uint length = 256 * 1024 * 1024;
        var stream = new ZeroTailStream(Header(length, frames: 512), length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(file.BytesRead, Is.EqualTo(stream.TotalLength));
        Assert.That(stream.BytesHandedOut, Is.EqualTo(stream.TotalLength));
        Assert.That(allocated, Is.LessThan(1024 * 1024));
        Assert.That(file.PixelData!.Frames, Has.Count.EqualTo(512));
    }

    [Test]
    public async Task ReadAsync_ScanModeOnSeekableStream_StepsOverPixelDataWithoutReadingIt()
    {
        const uint length = 256 * 1024 * 1024;
        var stream = new ZeroTailStream(Header(length, frames: 512), length, seekable: true);

        var file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Scan });

        Assert.That(stream.BytesHandedOut, Is.LessThan(16 * 1024), "a file's Pixel Data is sought past, not read");
        Assert.That(file.BytesRead, Is.EqualTo(stream.TotalLength));
        Assert.That(file.PixelData!.Frames, Has.Count.EqualTo(512));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ReadAsync_ScanModePixelDataLongerThanTheFile_Truncated(bool seekable)
    {
        const uint length = 1024 * 1024;
        var stream = new ZeroTailStream(Header(length, frames: 2), length - 10, seekable);

        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Scan }));

        Assert.That(error!.Message, Does.Contain("Unexpected end of data: 10 more byte(s) needed"));
        Assert.That(error.Offset, Is.EqualTo(stream.TotalLength));
    }

    private static byte[] Header(uint pixelLength, int frames) => DicomBuilder.Part10()
        .Explicit(0x0008, 0x0016, "UI", DicomBuilder.Text("1.2.840.10008.5.1.4.1.1.2\0"))
        .Explicit(0x0028, 0x0002, "US", DicomBuilder.UInt16(1))
        .Explicit(0x0028, 0x0008, "IS", DicomBuilder.Text(frames.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)))
        .Explicit(0x0028, 0x0010, "US", DicomBuilder.UInt16(512))
        .Explicit(0x0028, 0x0011, "US", DicomBuilder.UInt16(512))
        .Explicit(0x0028, 0x0100, "US", DicomBuilder.UInt16(16))
        .ExplicitHeader(0x7FE0, 0x0010, "OW", pixelLength)
        .ToArray();

    /// <summary>A header followed by zeros up to <c>header + tail</c> bytes, produced on demand; seekable like a file, or not.</summary>
    private sealed class ZeroTailStream(byte[] head, long tail, bool seekable = false) : Stream
    {
        private long _position;

        /// <summary>Bytes returned by reads (not those sought past).</summary>
        public long BytesHandedOut { get; private set; }

        public long TotalLength => head.Length + tail;

        public override bool CanRead => true;

        public override bool CanSeek => seekable;

        public override bool CanWrite => false;

        public override long Length => seekable ? TotalLength : throw new NotSupportedException();

        public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, TotalLength - _position);
            for (int i = 0; i < count; i++)
            {
                long position = _position + i;
                if (position >= head.Length)
                {
                    buffer[i..count].Clear();
                    break;
                }
                buffer[i] = head[position];
            }
            BytesHandedOut += count;
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            if (!seekable)
            {
                throw new NotSupportedException();
            }
            _position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => TotalLength + offset,
            };
            return _position;
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
