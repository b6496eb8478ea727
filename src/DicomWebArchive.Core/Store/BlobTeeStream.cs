using System.Buffers;
using System.Security.Cryptography;

namespace DicomWebArchive.Core.Store;

/// <summary>
/// Read-only pass-through over a request part that writes every byte read to a blob and hashes what it stored,
/// so the header is parsed from the same bytes that are stored, in one pass, without buffering the instance.
/// The 128-byte preamble of a Part 10 stream is zeroed in the stored copy (it can hide an executable); the
/// reader still sees the original bytes. When the blob store fails, the rest of the part is still read (and not
/// stored), so the parser still finds which instance it was and the next part can be read.
/// </summary>
internal sealed class BlobTeeStream : Stream
{
    private const int PreambleLength = 128;
    private const int HeaderLength = PreambleLength + 4;

    private readonly Stream _source;
    private readonly Stream _blob;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _header = new byte[HeaderLength];
    private int _headerCount;
    private bool _headerWritten;
    private long _read;

    public BlobTeeStream(Stream source, Stream blob)
    {
        _source = source;
        _blob = blob;
    }

    /// <summary>Bytes written to the blob so far.</summary>
    public long StoredLength { get; private set; }

    /// <summary>The blob store's first failure while the part was read; nothing is written after it.</summary>
    public BlobWriteException? WriteFailure { get; private set; }

    /// <summary>True once the stored copy's preamble was zeroed (the stream had "DICM" at offset 128).</summary>
    public bool PreambleZeroed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int count = await _source.ReadAsync(buffer, cancellationToken);
        if (count > 0)
        {
            _read += count;
            await StoreAsync(buffer[..count], cancellationToken);
        }
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Synchronous reads are rare (the reader is async); route them through the async path to keep one code path.
        byte[] copy = new byte[buffer.Length];
        int count = ReadAsync(copy, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        copy.AsSpan(0, count).CopyTo(buffer);
        return count;
    }

    /// <summary>Reads what the parser left unread so the blob holds the whole part.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (await ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes any short header still held back and returns the SHA-256 of the stored bytes; throws the blob store's failure, if any.</summary>
    public async Task<byte[]> CompleteAsync(CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            await WriteHeaderAsync(cancellationToken);
        }
        if (WriteFailure is { } failure)
        {
            throw failure;
        }
        try
        {
            await _blob.FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new BlobWriteException(ex);
        }
        return _hash.GetHashAndReset();
    }

    private async ValueTask StoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            int take = Math.Min(HeaderLength - _headerCount, data.Length);
            data.Span[..take].CopyTo(_header.AsSpan(_headerCount));
            _headerCount += take;
            data = data[take..];
            if (_headerCount < HeaderLength)
            {
                return;
            }
            await WriteHeaderAsync(cancellationToken);
        }
        if (!data.IsEmpty)
        {
            await WriteBlobAsync(data, cancellationToken);
        }
    }

    private async ValueTask WriteHeaderAsync(CancellationToken cancellationToken)
    {
        _headerWritten = true;
        if (_headerCount == HeaderLength && _header.AsSpan(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            _header.AsSpan(0, PreambleLength).Clear();
            PreambleZeroed = true;
        }
        await WriteBlobAsync(_header.AsMemory(0, _headerCount), cancellationToken);
    }

    private async ValueTask WriteBlobAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (WriteFailure is not null)
        {
            return;
        }
        _hash.AppendData(data.Span);
        try
        {
            await _blob.WriteAsync(data, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            WriteFailure = new BlobWriteException(ex);
            return;
        }
        StoredLength += data.Length;
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

/// <summary>Writing to the blob store failed (disk full, permissions): a server-side problem, unlike a failed read of the request.</summary>
internal sealed class BlobWriteException(Exception inner) : Exception("Writing the instance to blob storage failed: " + inner.Message, inner);
