using System.Diagnostics;

namespace DicomWebArchive.Server.Tests.Deploy;

/// <summary>Runs a health check command of the deployment files here, against a server on another port than the image's 8080.</summary>
internal static class ShellCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> command, int port)
    {
        var arguments = command.Select(a => a.Replace("127.0.0.1/8080", $"127.0.0.1/{port}", StringComparison.Ordinal)).ToArray();
        var start = new ProcessStartInfo(arguments[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments[1..])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
