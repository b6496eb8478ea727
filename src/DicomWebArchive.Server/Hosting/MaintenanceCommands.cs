using DicomWebArchive.Storage.Index;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Hosting;

/// <summary>
/// The commands that act once on the configured storage and exit instead of serving: <c>migrate</c>,
/// <c>rebuild-index</c>, <c>backup --out DIR</c> and <c>restore --from DIR</c>. Their options are ordinary
/// configuration (<c>--out</c> is the key "out"), so every storage setting works as it does for the server.
/// </summary>
internal static class MaintenanceCommands
{
    private static readonly string[] Names = ["migrate", "rebuild-index", "backup", "restore"];

    public static bool IsRequested(string[] args) => args is [var first, ..] && Names.Contains(first);

    /// <summary>The arguments without the command word, for the configuration's command-line source.</summary>
    public static string[] Settings(string[] args) => IsRequested(args) ? args[1..] : args;

    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        try
        {
            return args[0] switch
            {
                "migrate" => await MigrateCommand.RunAsync(services),
                "rebuild-index" => await RebuildIndexCommand.RunAsync(services),
                "backup" => await BackupCommand.RunBackupAsync(services, configuration["out"]),
                _ => await BackupCommand.RunRestoreAsync(services, configuration["from"]),
            };
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, e.Failures));
            return 2;
        }
        catch (Exception e) when (SqlIndexStore.IsDatabaseFailure(e))
        {
            // The driver's message names the host and database, never the password.
            await Console.Error.WriteLineAsync($"The index could not be reached (check Storage:Index:Provider and Storage:Index:ConnectionString): {e.Message}");
            return 1;
        }
    }
}
