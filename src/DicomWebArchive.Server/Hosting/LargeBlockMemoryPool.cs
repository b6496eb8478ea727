using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// Kestrel's connection buffers in 64 KiB blocks instead of its default 4 KiB. A socket read fills at most one block,
/// so an upload of a 512 KB CT instance takes about ten reads instead of more than a hundred; on virtual machines,
/// where every system call is dear, that is a large part of what STOW costs. Blocks are pinned (sockets read into
/// them) and reused; the pool keeps at most <see cref="MaxPooledBlocks"/> idle ones.
/// </summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;
    private const int MaxPooledBlocks = 256;
    private readonly ConcurrentQueue<byte[]> _idle = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            return new Block(this, GC.AllocateUninitializedArray<byte>(minBufferSize, pinned: true), pooled: false);
        }
        return new Block(this, _idle.TryDequeue(out var array) ? array : GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), pooled: true);
    }

    protected override void Dispose(bool disposing) => _idle.Clear();

    private void Return(byte[] array)
    {
        if (_idle.Count < MaxPooledBlocks)
        {
            _idle.Enqueue(array);
        }
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array, bool pooled) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned && pooled)
            {
                pool.Return(returned);
            }
        }
    }
}
