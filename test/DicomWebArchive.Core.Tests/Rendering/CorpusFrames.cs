using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Rendering;

/// <summary>Frames of pydicom corpus files: their stored bytes (located by our reader) and pydicom's decoding of them.</summary>
internal static class CorpusFrames
{
    public static string CorpusFile(string name) => PydicomCorpus.File(name);

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
    public static byte[] Pydicom(string name, int frameNumber) => Convert.FromBase64String(ExternalTool.PythonFile(
        Path.Combine(AppContext.BaseDirectory, "Rendering", "pixel_reference.py"), CorpusFile(name), frameNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)).Trim());
}
