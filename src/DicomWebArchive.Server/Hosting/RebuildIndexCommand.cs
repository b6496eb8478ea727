using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// <c>DicomWebArchive.Server rebuild-index</c>: fills an empty index from the blob store alone (disaster recovery, or a
/// move to another index database). It refuses an index that already holds instances: a rebuild adds, it never merges.
/// </summary>
internal static class RebuildIndexCommand
{
    public static async Task<int> RunAsync(IServiceProvider services)
    {
        var index = services.GetRequiredService<SqlIndexStore>();
        await index.InitializeAsync(CancellationToken.None);
        long present = await services.GetRequiredService<IMaintenanceIndex>().CountInstancesAsync(null, CancellationToken.None);
        if (present > 0)
        {
            await Console.Error.WriteLineAsync($"The index already holds {present} instances; rebuild-index fills an empty index only. Point Storage:Index at a new database.");
            return 1;
        }
        var started = DateTime.UtcNow;
        var summary = await services.GetRequiredService<IndexRebuilder>().RebuildAsync(
            read => Console.Out.WriteLine($"{read} blobs read"), CancellationToken.None);
        foreach (var key in summary.Unreadable)
        {
            await Console.Error.WriteLineAsync($"Blob {key} is not an instance the archive stores; left in place.");
        }
        await Console.Out.WriteLineAsync(
            $"Index rebuilt in {(DateTime.UtcNow - started).TotalSeconds:F1} s: {summary.Blobs} blobs read, {summary.Indexed} instances indexed, " +
            $"{summary.OlderVersions} older versions kept until the purge delay, {summary.Unreadable.Count} unreadable.");
        return 0;
    }
}
