using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DicomWebArchive.Cli.Tests.Support;

/// <summary>Our built server as a separate process on a loopback port the OS picks, storing into its own folder.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ServerProcess(string dataDirectory)
    {
        string dll = TestPaths.BuildOutput("DicomWebArchive.Server", "DicomWebArchive.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[dll, "--urls", "http://127.0.0.1:0", $"--Storage:DataDirectory={dataDirectory}"])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOTNET_gcServer"] = "0";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The DICOMweb root, e.g. http://127.0.0.1:41234/dicomweb.</summary>
    public string DicomWebRoot { get; private set; } = "";

    public static async Task<ServerProcess> StartAsync(string dataDirectory)
    {
        var server = new ServerProcess(dataDirectory);
        var first = await Task.WhenAny(server._listening.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != server._listening.Task)
        {
            string output;
            lock (server._output)
            {
                output = string.Join('\n', server._output);
            }
            await server.DisposeAsync();
            Assert.Fail("The server did not start listening:\n" + output);
        }
        server.DicomWebRoot = (await server._listening.Task).ToString().TrimEnd('/') + "/dicomweb";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
