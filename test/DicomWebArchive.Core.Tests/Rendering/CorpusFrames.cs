using System.Diagnostics;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Rendering;

/// <summary>Frames of pydicom corpus files: their stored bytes (located by our reader) and pydicom's decoding of them.</summary>
internal static class CorpusFrames
{
    public static string CorpusFile(string name)
    {
        string path = Path.Combine("/usr/lib/python3/dist-packages/pydicom/data/test_files", name);
        if (!File.Exists(path))
        {
            Assert.Fail($"Corpus file {path} is missing: install Debian's python3-pydicom (test/run.sh does).");
        }
        return path;
    }

    /// <summary>The header and the frame's bytes (fragments concatenated for encapsulated data).</summary>
    public static async Task<(DicomFile File, byte[] Frame)> ReadFrameAsync(string name, int frameNumber)
    {
        string path = CorpusFile(name);
        await using var stream = File.OpenRead(path);
        var file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        var ranges = file.PixelData!.Frames[frameNumber - 1];
        var bytes = new byte[ranges.Sum(r => r.Length)];
        int filled = 0;
        foreach (var range in ranges)
        {
            stream.Position = range.Offset;
            await stream.ReadExactlyAsync(bytes.AsMemory(filled, (int)range.Length));
            filled += (int)range.Length;
        }
        return (file, bytes);
    }

    /// <summary>pydicom's decoded samples of the frame (Rendering/pixel_reference.py with Debian's python3).</summary>
    public static byte[] Pydicom(string name, int frameNumber)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            Assert.Fail($"{python} is missing: install python3-pydicom and python3-numpy (test/run.sh does).");
        }
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Rendering", "pixel_reference.py"));
        start.ArgumentList.Add(CorpusFile(name));
        start.ArgumentList.Add(frameNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"pixel_reference.py failed ({process.ExitCode}): {stderr.Result}");
        }
        return Convert.FromBase64String(output.Trim());
    }
}
