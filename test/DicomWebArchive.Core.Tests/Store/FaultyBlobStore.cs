using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Store;

/// <summary>
/// A blob store in memory whose every step can be made to fail, for the store service's failure paths (a full disk,
/// a failed fsync, a delete that cannot happen). What it holds is inspected after each test.
/// </summary>
internal sealed class FaultyBlobStore : IBlobStore
{
    public ConcurrentDictionary<string, byte[]> Committed { get; } = new();

    public ConcurrentBag<string> Deleted { get; } = [];

    /// <summary>Writers created and not yet committed or disposed.</summary>
    public int OpenWriters => _open;

    public bool FailCreate { get; set; }

    /// <summary>Writing fails once this many bytes are in the blob (a full disk).</summary>
    public long? FailWriteAfter { get; set; }

    public bool FailCommit { get; set; }

    public bool FailDelete { get; set; }

    private int _open;

    public Task<IBlobWriter> CreateAsync(CancellationToken cancellationToken)
    {
        if (FailCreate)
        {
            throw new IOException("No space left on device.");
        }
        Interlocked.Increment(ref _open);
        return Task.FromResult<IBlobWriter>(new Writer(this, Guid.NewGuid().ToString("N")));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(Committed.TryGetValue(key, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public Task<Stream?> OpenReadAsync(string key, ByteRange range, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(Committed.TryGetValue(key, out var bytes)
            ? new MemoryStream(bytes, (int)Math.Min(range.Offset, bytes.Length), (int)Math.Min(range.Length, Math.Max(0, bytes.Length - range.Offset)), writable: false)
            : null);

    public Task<BlobTier?> GetTierAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<BlobTier?>(Committed.ContainsKey(key) ? BlobTier.Hot : null);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (FailDelete)
        {
            throw new IOException("Permission denied.");
        }
        Committed.TryRemove(key, out _);
        Deleted.Add(key);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var key in Committed.Keys)
        {
            yield return key;
        }
    }

    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    private sealed class Writer(FaultyBlobStore store, string key) : IBlobWriter
    {
        private readonly FailingStream _stream = new(store.FailWriteAfter);
        private bool _done;

        public string Key => key;

        public Stream Stream => _stream;

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            if (store.FailCommit)
            {
                throw new IOException("fsync failed.");
            }
            store.Committed[key] = _stream.ToArray();
            Close();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Close();
            return ValueTask.CompletedTask;
        }

        private void Close()
        {
            if (!_done)
            {
                _done = true;
                Interlocked.Decrement(ref store._open);
            }
        }
    }

    private sealed class FailingStream(long? failAfter) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > failAfter)
            {
                throw new IOException("No space left on device.");
            }
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }
    }
}
