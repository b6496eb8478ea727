using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using DicomWebArchive.Core.Blobs;

namespace DicomWebArchive.Storage.Blobs;

public sealed partial class AzureBlobStore
{
    /// <summary>
    /// Fills one block-sized buffer and stages it as a block each time it is full; the block list is committed (with
    /// the hot tier) only by <see cref="CommitAsync"/>. Blocks never committed are not part of any blob and are
    /// discarded by the service, so a failed or abandoned upload leaves nothing readable.
    /// </summary>
    private sealed class BlockWriter : IBlobWriter
    {
        private readonly AzureBlobStore _store;
        private readonly BlockBlobClient _blob;
        private readonly List<string> _blocks = [];
        private byte[]? _buffer;
        private int _filled;
        private bool _committed;

        public BlockWriter(AzureBlobStore store, string key, BlockBlobClient blob, int blockSize)
        {
            _store = store;
            _blob = blob;
            Key = key;
            _buffer = ArrayPool<byte>.Shared.Rent(blockSize);
            Stream = new WriteStream(this);
        }

        public string Key { get; }

        public Stream Stream { get; }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (_committed)
            {
                return;
            }
            if (_filled > 0)
            {
                await StageAsync(cancellationToken).ConfigureAwait(false);
            }
            var options = new CommitBlockListOptions { AccessTier = AccessTier.Hot };
            await _store.CallAsync(Key, () => _blob.CommitBlockListAsync(_blocks, options, cancellationToken)).ConfigureAwait(false);
            _committed = true;
            Release();
        }

        public ValueTask DisposeAsync()
        {
            Release();
            return ValueTask.CompletedTask;
        }

        private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(BlockWriter));
            while (!data.IsEmpty)
            {
                int take = Math.Min(buffer.Length - _filled, data.Length);
                data.Span[..take].CopyTo(buffer.AsSpan(_filled));
                _filled += take;
                data = data[take..];
                if (_filled == buffer.Length)
                {
                    await StageAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private async Task StageAsync(CancellationToken cancellationToken)
        {
            // Block ids must all have the same length within a blob.
            string id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_blocks.Count.ToString("D8", CultureInfo.InvariantCulture)));
            var content = new MemoryStream(_buffer!, 0, _filled, writable: false);
            await _store.CallAsync(Key, () => _blob.StageBlockAsync(id, content, cancellationToken: cancellationToken)).ConfigureAwait(false);
            _blocks.Add(id);
            _filled = 0;
        }

        private void Release()
        {
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private sealed class WriteStream(BlockWriter writer) : Stream
        {
            private long _length;

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => _length;

            public override long Position { get => _length; set => throw new NotSupportedException(); }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                _length += buffer.Length;
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

            // Blocks are staged as they fill and the rest at commit: a flush has nothing to make durable.
            public override void Flush()
            {
            }

            public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
