using System.Diagnostics;
using DicomWebArchive.Storage.Backup;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// <c>backup --out DIR</c> takes a consistent backup of the index and the blobs while the archive keeps serving (again
/// into the same directory copies only new blobs); <c>restore --from DIR</c> puts one back onto empty storage.
/// </summary>
internal static class BackupCommand
{
    public static async Task<int> RunBackupAsync(IServiceProvider services, string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            await Console.Error.WriteLineAsync("backup needs the directory to write: backup --out DIR");
            return 2;
        }
        return await RunAsync("Backup", () => services.GetRequiredService<ArchiveBackup>().BackupAsync(directory, CancellationToken.None));
    }

    public static async Task<int> RunRestoreAsync(IServiceProvider services, string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            await Console.Error.WriteLineAsync("restore needs the backup to read: restore --from DIR");
            return 2;
        }
        return await RunAsync("Restore", () => services.GetRequiredService<ArchiveBackup>().RestoreAsync(directory, CancellationToken.None));
    }

    private static async Task<int> RunAsync(string what, Func<Task<BackupSummary>> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var summary = await run();
            await Console.Out.WriteLineAsync($"{what} done in {clock.Elapsed.TotalSeconds:F1} s: index {summary.Index}, {summary.BlobsCopied} blobs copied " +
                $"({summary.BytesCopied / (1024.0 * 1024.0):F1} MiB), {summary.BlobsPresent} already there.");
            return 0;
        }
        catch (BackupException e)
        {
            await Console.Error.WriteLineAsync($"{what} refused: {e.Message}");
            return 1;
        }
    }
}
