using System.Security.Cryptography;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Maintenance;

/// <summary>
/// Indexes a stored blob as STOW indexed it: every blob is a complete Part 10 instance, so its index row is made by the
/// same <see cref="InstanceRecordFactory"/> from the blob's own bytes, with their size and SHA-256.
/// </summary>
internal static class BlobInstanceReader
{
    private static readonly DicomReaderOptions Options = new() { PixelData = PixelDataHandling.Scan, AllowMissingMeta = true };

    /// <exception cref="BlobMissingException">The blob is not there.</exception>
    /// <exception cref="DicomFormatException">The blob is not an instance the archive would store.</exception>
    public static async Task<(InstanceRecord Record, DicomFile File)> ReadAsync(IBlobStore blobs, string key, int bulkDataThreshold, DicomTag? accessAttribute, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(key, cancellationToken).ConfigureAwait(false) ?? throw new BlobMissingException(key);
        await using (stream.ConfigureAwait(false))
        {
            using var hashing = new HashingStream(stream);
            var file = await DicomReader.ReadAsync(hashing, Options, cancellationToken).ConfigureAwait(false);
            await hashing.DrainAsync(cancellationToken).ConfigureAwait(false);
            var identity = InstanceValidation.ReadIdentity(file.Dataset);
            if (InstanceValidation.Validate(file, identity, null) is { } invalid)
            {
                throw new DicomFormatException(invalid.Message ?? "The blob is not a valid instance.", 0);
            }
            var record = InstanceRecordFactory.Create(file, key, hashing.BytesRead, hashing.Hash(), bulkDataThreshold, accessAttribute);
            return (record, file);
        }
    }

    /// <summary>The size and SHA-256 of a blob's bytes, read to the end; null when it is not there.</summary>
    public static async Task<(long Size, byte[] Sha256)?> HashAsync(IBlobStore blobs, string key, CancellationToken cancellationToken)
    {
        var stream = await blobs.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }
        await using (stream.ConfigureAwait(false))
        {
            using var hashing = new HashingStream(stream);
            await hashing.DrainAsync(cancellationToken).ConfigureAwait(false);
            return (hashing.BytesRead, hashing.Hash());
        }
    }

    /// <summary>Counts and hashes what is read through it.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public long BytesRead { get; private set; }

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _hash.AppendData(buffer.Span[..read]);
            BytesRead += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public async Task DrainAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[81920];
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>A blob the index names is not in the blob store.</summary>
public sealed class BlobMissingException(string key) : Exception($"Blob {key} is missing from the blob store.")
{
    public string Key { get; } = key;
}
