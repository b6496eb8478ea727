using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace DicomWebArchive.Dicom.Tests.Reader;

// Corpus files re-encoded by dcmtk into each transfer syntax: a 15-frame 32-bit RT dose for the
// uncompressed syntaxes and RLE, a 2-frame RGB image for the JPEG family (with and without offset
// tables, one or several fragments per frame).
public sealed partial class DicomReaderTests
{
    private static readonly (string Name, string Source, string Tool, string[] Arguments)[] Syntaxes =
    [
        ("implicit", "dose", "dcmconv", ["+ti"]),
        ("explicit", "dose", "dcmconv", ["+te"]),
        ("bigendian", "dose", "dcmconv", ["+tb"]),
        ("deflated", "dose", "dcmconv", ["+td"]),
        ("rle", "dose", "dcmcrle", []),
        ("jpeg-lossless", "rgb", "dcmcjpeg", []),
        ("jpeg-fragments", "rgb", "dcmcjpeg", ["+fs", "1"]),
        ("jpeg-fragments-no-offsets", "rgb", "dcmcjpeg", ["+fs", "1", "-ot"]),
        ("jpeg-baseline", "rgb", "dcmcjpeg", ["+eb"]),
        ("jpeg-ls", "rgb", "dcmcjpls", []),
    ];

    private static readonly Lazy<string> s_matrix = new(BuildMatrix);

    private static readonly Lazy<JsonDocument> s_matrixFrames = new(() =>
        PydicomScript.Run("frames", Syntaxes.Where(s => s.Name != "deflated").Select(s => MatrixFile(s.Name))));

    [OneTimeTearDown]
    public void DeleteTranscodedFiles()
    {
        if (s_matrix.IsValueCreated)
        {
            Directory.Delete(s_matrix.Value, recursive: true);
        }
    }

    private static IEnumerable<string> SyntaxNames() => Syntaxes.Select(s => s.Name);

    private static string MatrixFile(string name) => Path.Combine(s_matrix.Value, name + ".dcm");

    [TestCaseSource(nameof(SyntaxNames))]
    public async Task ReadAsync_DcmtkTranscodedFile_FramesMatchPydicom(string name)
    {
        var bytes = await File.ReadAllBytesAsync(MatrixFile(name));
        var file = await DicomReader.ReadAsync(new ChunkedStream(bytes, 1000), new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        Assert.That(file.BytesRead, Is.EqualTo(bytes.Length));
        var frames = file.PixelData!.Frames;
        if (name == "deflated")
        {
            Assert.That(file.TransferSyntax.IsDeflated, Is.True);
            Assert.That(frames, Is.Empty);
            return;
        }
        var expected = s_matrixFrames.Value.RootElement.GetProperty(MatrixFile(name)).GetProperty("frames").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.That(expected, Has.Count.GreaterThan(1));
        Assert.That(frames.Select(f => Convert.ToHexStringLower(SHA256.HashData(f.SelectMany(r => bytes.AsSpan((int)r.Offset, (int)r.Length).ToArray()).ToArray()))), Is.EqualTo(expected));
    }

    [TestCase("implicit")]
    [TestCase("bigendian")]
    [TestCase("deflated")]
    public async Task ReadAsync_DcmtkTranscodedFile_SameValuesAsExplicitLittleEndian(string name)
    {
        var reference = Values((await DicomReader.ReadAsync(File.OpenRead(MatrixFile("explicit")))).Dataset);
        var transcoded = Values((await DicomReader.ReadAsync(File.OpenRead(MatrixFile(name)))).Dataset);
        Assert.That(transcoded, Is.EqualTo(reference));
        Assert.That(reference, Has.Count.GreaterThan(40));
    }

    // Tag path, VR (public tags: an implicit VR reader takes it from the dictionary) and value bytes.
    private static List<string> Values(DicomDataset dataset, string prefix = "")
    {
        var lines = new List<string>();
        foreach (var element in dataset)
        {
            if (element.Tag == DicomTags.PixelData)
            {
                continue;
            }
            var vr = element.Tag.IsPrivate ? "" : element.VR.ToCode();
            lines.Add($"{prefix}{element.Tag} {vr} {Convert.ToHexString(element.Value.Span)}");
            for (int i = 0; i < (element.Items?.Count ?? 0); i++)
            {
                lines.AddRange(Values(element.Items![i], $"{prefix}{element.Tag}/{i}/"));
            }
        }
        return lines;
    }

    private static string BuildMatrix()
    {
        var directory = Directory.CreateTempSubdirectory("dicom-reader-syntaxes-").FullName;
        var dose = Corpus.PathOf("test_files/rtdose.dcm");
        var rgb = Path.Combine(directory, "rgb-native.dcm");
        RunTool("dcmdrle", Corpus.PathOf("test_files/SC_rgb_rle_2frame.dcm"), rgb);
        foreach (var (name, source, tool, arguments) in Syntaxes)
        {
            RunTool(tool, [.. arguments, source == "dose" ? dose : rgb, Path.Combine(directory, name + ".dcm")]);
        }
        return directory;
    }

    private static void RunTool(string tool, params string[] arguments)
    {
        var path = Path.Combine("/usr/bin", tool);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install dcmtk (test/run.sh does).");
        }
        var start = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Assert.Fail($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }
    }
}
