using System.Diagnostics;
using System.Text.Json;

namespace DicomWebArchive.Dicom.Tests.Reader;

/// <summary>Runs Reader/Oracle/pydicom_oracle.py with Debian's python3 and pydicom.</summary>
internal static class PydicomScript
{
    private const string Python = "/usr/bin/python3";

    public static JsonDocument Run(string command, IEnumerable<string> files)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reader", "Oracle", "pydicom_oracle.py");
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} is missing: install python3-pydicom (test/run.sh does).");
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(command);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"pydicom oracle failed ({process.ExitCode}): {stderr.Result}");
        }
        return JsonDocument.Parse(stdout);
    }
}
