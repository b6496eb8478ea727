using System.Diagnostics;

namespace DicomWebArchive.Cli.Tests.Support;

/// <summary>What one run of the built dicomweb tool printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the built tool as a user would: a separate process, output to pipes (no terminal).</summary>
internal static class CliRun
{
    public static async Task<CliResult> RunAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.BuildOutput("DicomWebArchive.Cli", "dicomweb.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("DICOMWEB_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dicomweb {string.Join(' ', arguments)} did not finish in 3 minutes");
        }
        return new CliResult(process.ExitCode, await output, await error);
    }

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] arguments) => RunAsync(workingDirectory, null, arguments);
}
