using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// <c>DicomWebArchive.Server migrate</c>: brings the index schema up to date and exits, for a deployment step that runs
/// before the replicas start (they migrate at start-up too; a database lock makes concurrent runs safe).
/// </summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(IServiceProvider services)
    {
        var index = services.GetRequiredService<SqlIndexStore>();
        await index.InitializeAsync(CancellationToken.None);
        var health = await index.GetHealthAsync(CancellationToken.None);
        await Console.Out.WriteLineAsync($"Index migrated: {health.Description}");
        return health.IsHealthy ? 0 : 1;
    }
}
