using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>Tells Linux that a file's cached pages will not be needed again soon.</summary>
internal static partial class PageCache
{
    private const int PosixFadvDontNeed = 4;

    /// <summary>Drops the clean cached pages of <paramref name="file"/>; advice only, failures are ignored.</summary>
    public static void Drop(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        bool added = false;
        try
        {
            file.DangerousAddRef(ref added);
            _ = Fadvise((int)file.DangerousGetHandle(), 0, 0, PosixFadvDontNeed);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Fadvise(int fd, long offset, long length, int advice);
}
