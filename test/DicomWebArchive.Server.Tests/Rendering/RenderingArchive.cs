using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Rendering;

/// <summary>
/// Corpus files stored through STOW, on demand. Several corpus files share a SOP Instance UID (one image in several
/// transfer syntaxes), so files go to the first archive that does not hold their UID yet.
/// </summary>
internal sealed class RenderingArchive : IAsyncDisposable
{
    private readonly List<Round> _rounds = [];
    private readonly Dictionary<string, (HttpClient Client, string Path)> _stored = [];

    /// <summary>A client for the archive holding <paramref name="file"/>, and the instance's path (/dicomweb/studies/…/instances/…).</summary>
    public async Task<(HttpClient Client, string InstancePath)> StoreAsync(string file)
    {
        string path = Resolve(file);
        if (_stored.TryGetValue(path, out var stored))
        {
            return stored;
        }
        string sop;
        await using (var stream = File.OpenRead(path))
        {
            var dicom = await DicomReader.ReadAsync(stream);
            sop = dicom.Dataset.GetAsciiString(DicomTags.SOPInstanceUID)!;
        }
        var round = _rounds.FirstOrDefault(r => !r.Sops.Contains(sop));
        if (round is null)
        {
            var factory = new ArchiveFactory();
            round = new Round(factory, factory.CreateClient(), []);
            _rounds.Add(round);
        }
        var result = await StowRequests.PostAsync(round.Client, StowRequests.MultipartFiles([path]));
        Assert.That(result.Status, Is.EqualTo(200), $"storing {file}: {result}");
        string url = result.Referenced.Single().RetrieveUrl!;
        string instancePath = url[url.IndexOf("/dicomweb/", StringComparison.Ordinal)..];
        round.Sops.Add(sop);
        _stored[path] = (round.Client, instancePath);
        return (round.Client, instancePath);
    }

    /// <summary>
    /// The path of a corpus file; "name>native" is the corpus file decompressed by dcmtk's dcmdrle into a temporary
    /// file, for native multi-frame images the corpus only has RLE-compressed.
    /// </summary>
    public static string Resolve(string file)
    {
        const string synthetic = "@synthetic";
        if (file.EndsWith(synthetic, StringComparison.Ordinal))
        {
            return Synthetic(file[..^synthetic.Length]);
        }
        const string native = ">native";
        string name = file.EndsWith(native, StringComparison.Ordinal) ? file[..^native.Length] : file;
        string path = PydicomCorpus.File(name);
        if (!File.Exists(path))
        {
            Assert.Fail($"Corpus file {path} is missing: install Debian's python3-pydicom (test/run.sh does).");
        }
        if (name == file)
        {
            return path;
        }
        Directory.CreateDirectory(DerivedDirectory);
        string target = Path.Combine(DerivedDirectory, "native-" + name);
        if (!File.Exists(target))
        {
            const string tool = "/usr/bin/dcmdrle";
            if (!File.Exists(tool))
            {
                Assert.Fail($"{tool} is missing: install Debian's dcmtk (test/run.sh does).");
            }
            using var process = System.Diagnostics.Process.Start(tool, [path, target]);
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, $"dcmdrle {name}");
        }
        return target;
    }

    /// <summary>An image written by Rendering/make_synthetic.py (PALETTE COLOR and enhanced multi-frame, which the corpus lacks).</summary>
    private static string Synthetic(string name)
    {
        string directory = Path.Combine(DerivedDirectory, "synthetic");
        string path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Rendering", "make_synthetic.py"), directory);
        }
        return path;
    }

    // Files made from the corpus for this test run; removed with the archive.
    private static string DerivedDirectory => Path.Combine(Path.GetTempPath(), $"dwa-render-{Environment.ProcessId}");

    public async ValueTask DisposeAsync()
    {
        TempDirectory.Delete(DerivedDirectory);
        foreach (var round in _rounds)
        {
            round.Client.Dispose();
            await round.Factory.DisposeAsync();
        }
    }

    private sealed record Round(ArchiveFactory Factory, HttpClient Client, HashSet<string> Sops);
}
