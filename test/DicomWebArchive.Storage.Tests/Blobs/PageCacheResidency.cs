using System.Runtime.InteropServices;

namespace DicomWebArchive.Storage.Tests.Blobs;

/// <summary>How many of a file's pages are in Linux's page cache (mmap + mincore).</summary>
internal static class PageCacheResidency
{
    private const int ProtRead = 1;
    private const int MapShared = 1;

    public static int ResidentPages(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = (nuint)RandomAccess.GetLength(handle);
        var address = Mmap(IntPtr.Zero, length, ProtRead, MapShared, (int)handle.DangerousGetHandle(), 0);
        if (address == new IntPtr(-1))
        {
            throw new IOException($"mmap failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            var pages = new byte[(length + (nuint)Environment.SystemPageSize - 1) / (nuint)Environment.SystemPageSize];
            if (Mincore(address, length, pages) != 0)
            {
                throw new IOException($"mincore failed (errno {Marshal.GetLastPInvokeError()}).");
            }
            return pages.Count(page => (page & 1) != 0);
        }
        finally
        {
            _ = Munmap(address, length);
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern IntPtr Mmap(IntPtr address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(IntPtr address, nuint length);

    [DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(IntPtr address, nuint length, byte[] pages);
}
