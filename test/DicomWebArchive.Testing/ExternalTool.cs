using System.Diagnostics;

namespace DicomWebArchive.Testing;

/// <summary>Runs the real tools the tests compare against (dcmtk, Debian's python3 with pydicom); a missing tool fails the test.</summary>
public static class ExternalTool
{
    public const string DebianPython = "/usr/bin/python3";

    public static (int ExitCode, string Stdout, string Stderr) Run(string fileName, params string[] arguments) => RunIn(null, fileName, arguments);

    /// <summary>As <see cref="Run"/>, in <paramref name="directory"/> (the tool writes its files there).</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunIn(string? directory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(Resolve(fileName))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"{fileName} did not finish within 2 minutes.");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }

    public static string Resolve(string fileName)
    {
        if (Path.IsPathRooted(fileName))
        {
            if (!File.Exists(fileName))
            {
                Assert.Fail($"{fileName} is missing; test/run.sh installs it (dcmtk, python3-pydicom).");
            }
            return fileName;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        Assert.Fail($"{fileName} is not on PATH; test/run.sh installs it (dcmtk).");
        return fileName;
    }

    /// <summary>Runs a Python script with Debian's interpreter (the one that has pydicom).</summary>
    public static string Python(string script, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = Run(DebianPython, ["-c", script, .. arguments]);
        Assert.That(exitCode, Is.Zero, $"python3 failed: {stderr}");
        return stdout;
    }

    /// <summary>Runs a Python script file (an oracle copied next to the test assembly) and returns what it printed.</summary>
    public static string PythonFile(string scriptPath, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = Run(DebianPython, [scriptPath, .. arguments]);
        if (exitCode != 0)
        {
            Assert.Fail($"{Path.GetFileName(scriptPath)} failed (exit {exitCode}): {stderr}");
        }
        return stdout;
    }
}
