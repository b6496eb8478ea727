using System.Runtime.InteropServices;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blob files made durable, then left out of Linux's page cache: a blob written (stored, moved to another tier, backed
/// up) is read again much later than it is written, if at all, and bulk writes should leave the cache to what viewers
/// and the index read.
/// </summary>
internal static partial class PageCache
{
    private const int PosixFadvDontNeed = 4;

    /// <summary>Flushes <paramref name="file"/>'s written bytes to disk (fsync), then drops its clean cached pages.</summary>
    public static void FlushToDiskAndDrop(FileStream file)
    {
        file.Flush(flushToDisk: true);
        if (OperatingSystem.IsLinux())
        {
            // Advice only: a failure leaves the pages cached, nothing else.
            _ = Fadvise((int)file.SafeFileHandle.DangerousGetHandle(), 0, 0, PosixFadvDontNeed);
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(int fd, long offset, long length, int advice);
}
