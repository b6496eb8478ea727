using System.Runtime.InteropServices;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Flushes a directory's entries so a rename or a new file survives power loss. .NET cannot open a directory as a
/// stream, so this goes to libc on Unix; Windows (NTFS journals metadata) has nothing to do.
/// </summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SharedFlush> SharedFlushes = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes the entries changed in <paramref name="directory"/> so far durable, sharing the flush with other writers:
    /// a flush that began after this call's changes covers them, so writers finishing together pay for one fsync.
    /// </summary>
    public static void FlushShared(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var shared = SharedFlushes.GetOrAdd(directory, static _ => new SharedFlush());
        var mine = Interlocked.Increment(ref shared.Requested);
        lock (shared)
        {
            if (shared.Completed >= mine)
            {
                return;
            }
            var covered = Volatile.Read(ref shared.Requested);
            Flush(directory);
            shared.Completed = covered;
        }
    }

    /// <summary>Creates the directory and any missing parents below <paramref name="root"/>, flushing each parent it changed.</summary>
    public static void CreateDurably(string root, string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory)!;
        if (!string.Equals(Path.TrimEndingDirectorySeparator(parent), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
        {
            CreateDurably(root, parent);
        }

        Directory.CreateDirectory(directory);
        Flush(parent);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    private sealed class SharedFlush
    {
        public long Requested;
        public long Completed;
    }
}
