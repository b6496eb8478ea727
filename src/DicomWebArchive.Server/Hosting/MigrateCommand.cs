using DicomWebArchive.Storage.Index;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// <c>DicomWebArchive.Server migrate</c>: brings the index schema up to date and exits, for a deployment step that runs
/// before the replicas start (they migrate at start-up too; a database lock makes concurrent runs safe).
/// </summary>
internal static class MigrateCommand
{
    public static bool IsRequested(string[] args) => args is ["migrate", ..];

    /// <summary>The arguments without the command word, for the configuration's command-line source.</summary>
    public static string[] Settings(string[] args) => IsRequested(args) ? args[1..] : args;

    public static async Task<int> RunAsync(IServiceProvider services)
    {
        try
        {
            var index = services.GetRequiredService<SqlIndexStore>();
            await index.InitializeAsync(CancellationToken.None);
            var health = await index.GetHealthAsync(CancellationToken.None);
            await Console.Out.WriteLineAsync($"Index migrated: {health.Description}");
            return health.IsHealthy ? 0 : 1;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, e.Failures));
            return 2;
        }
        catch (Exception e) when (SqlIndexStore.IsDatabaseFailure(e))
        {
            // The driver's message names the host and database, never the password.
            await Console.Error.WriteLineAsync($"The index could not be migrated (check Storage:Index:Provider and Storage:Index:ConnectionString): {e.Message}");
            return 1;
        }
    }
}
