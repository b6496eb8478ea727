using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>
/// Corpus files damaged in fixed, seeded ways, stored through STOW-RS and then retrieved through every WADO-RS,
/// WADO-URI and QIDO-RS resource: whatever STOW accepts is served or refused with a 4xx, never a 5xx, and the
/// archive stays ready with its undamaged instances intact.
/// </summary>
public sealed class WadoMutatedInstanceTests
{
    private const int MutantsPerSeed = 50;
    private const long AbsurdAllocation = 256L << 20;

    private static readonly string[] Seeds =
    [
        "CT_small.dcm",
        "MR_small_implicit.dcm",
        "MR_small_bigendian.dcm",
        "rtdose.dcm",
        "MR_small_RLE.dcm",
        "SC_rgb_rle_2frame.dcm",
        "SC_rgb_jpeg_dcmtk.dcm",
        "JPEG2000.dcm",
        "image_dfl.dcm",
        "SC_rgb_small_odd.dcm",
        "SC_ybr_full_422_uncompressed.dcm",
        "test-SR.dcm",
        "rtplan.dcm",
        "MR_small_implicit.dcm+private-sequence",
        "chrH31.dcm",
        "palette16.dcm@synthetic",
        "mlut.dcm@synthetic",
    ];

    private ArchiveFactory _archive = null!;
    private HttpClient _client = null!;
    private readonly Dictionary<string, MutatedSeed> _seeds = [];
    private readonly List<(string Seed, string Url, byte[] Bytes)> _undamaged = [];
    private readonly Stopwatch _elapsed = new();

    private static IEnumerable<string> SeedNames() => Seeds;

    [OneTimeSetUp]
    public async Task StoreUndamagedAsync()
    {
        _elapsed.Start();
        _archive = new ArchiveFactory();
        _client = _archive.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
        string synthetic = Directory.CreateTempSubdirectory("dwa-mutate-").FullName;
        try
        {
            ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Rendering", "make_synthetic.py"), synthetic);
            for (int i = 0; i < Seeds.Length; i++)
            {
                _seeds[Seeds[i]] = await MutatedSeed.LoadAsync(Seeds[i], i, await SeedBytesAsync(Seeds[i], synthetic));
            }
        }
        finally
        {
            TempDirectory.Delete(synthetic);
        }
        foreach (var seed in _seeds.Values)
        {
            var bytes = seed.Undamaged(0);
            var result = await StowRequests.PostAsync(_client, StowRequests.Multipart([bytes]));
            Assert.That(result.Status, Is.EqualTo(200), $"{seed}, undamaged: {result}");
            bytes.AsSpan(0, 128).Clear();
            _undamaged.Add((seed.Name, LocalPath(result.Referenced.Single().RetrieveUrl!), bytes));
        }
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _client.Dispose();
        _archive.Dispose();
        TestContext.Out.WriteLine($"{nameof(WadoMutatedInstanceTests)}: {_elapsed.Elapsed.TotalSeconds:F1} s");
    }

    [TestCaseSource(nameof(SeedNames))]
    public async Task MutatedInstance_StoredThenRetrievedEveryWay_NeverA5xx(string name)
    {
        var seed = _seeds[name];
        var random = new Random(7919 * (seed.Index + 1));
        var failures = new List<string>();
        int stored = 0, refused = 0, conflicts = 0;
        for (int i = 1; i <= MutantsPerSeed; i++)
        {
            var (bytes, mutation) = seed.Mutate(i, random);
            string what = $"seed {name}, mutant {i} ({mutation})";
            int errors = _archive.Log.Errors.Count;
            switch (await StoreAndRetrieveAsync(failures, what, bytes))
            {
                case true:
                    stored++;
                    break;
                case false:
                    refused++;
                    break;
                case null:
                    conflicts++;
                    break;
            }
            failures.AddRange(_archive.Log.Errors.Skip(errors).Select(error => $"{what}: the server logged {error}"));
            foreach (var health in new[] { "/health/live", "/health/ready" })
            {
                using var response = await _client.GetAsync(health);
                Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{what}: {health} after the retrievals");
            }
        }
        await CheckUndamagedAsync(failures, name);
        _archive.Archive.AssertConsistent();
        TestContext.Out.WriteLine($"{name}: {stored} stored, {refused} refused ({conflicts} UID conflicts), {failures.Count} failures");
        Assert.That(failures, Is.Empty, () => $"{failures.Count} failures:\n{string.Join("\n", failures.Take(40))}\nServer log:\n{Tail(_archive.Log.ToString())}");
    }

    // True when stored (and then retrieved every way), false when refused, null for a UID conflict.
    private async Task<bool?> StoreAndRetrieveAsync(List<string> failures, string what, byte[] bytes)
    {
        long before = GC.GetTotalAllocatedBytes();
        var result = await Try(failures, what, "STOW", () => StowRequests.PostAsync(_client, StowRequests.Multipart([bytes])));
        if (GC.GetTotalAllocatedBytes() - before > AbsurdAllocation)
        {
            failures.Add($"{what}: STOW of {bytes.Length} bytes allocated {(GC.GetTotalAllocatedBytes() - before) >> 20} MB");
        }
        if (result is null || result.Status >= 500)
        {
            failures.Add($"{what}: STOW answered {result}");
            return false;
        }
        if (result.Failed.Any(f => f.Reason == 0x0111))
        {
            return null;
        }
        var url = result.Referenced.Select(r => r.RetrieveUrl).SingleOrDefault();
        if (url is null)
        {
            return false;
        }
        foreach (var request in Requests(LocalPath(url), await FrameCountAsync(LocalPath(url))))
        {
            await CheckAsync(failures, what, request.Url, request.Accept);
        }
        return true;
    }

    private static IEnumerable<(string Url, string? Accept)> Requests(string instance, int frames)
    {
        string series = instance[..instance.IndexOf("/instances/", StringComparison.Ordinal)];
        string study = series[..series.IndexOf("/series/", StringComparison.Ordinal)];
        var uids = instance.Split('/');
        var (studyUid, seriesUid, sopUid) = (uids[3], uids[5], uids[7]);
        const string anySyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
        const string frameAny = "multipart/related; type=application/octet-stream; transfer-syntax=*";
        yield return (instance, "application/dicom; transfer-syntax=*");
        yield return (instance, "application/dicom");
        yield return (instance, "multipart/related; type=\"application/dicom\"");
        yield return (instance, "application/zip");
        yield return (instance + "?dicomdir=true", "application/zip");
        yield return (series, anySyntax);
        yield return (series, "multipart/related; type=\"application/dicom\"");
        yield return (series, "application/zip");
        yield return (study, anySyntax);
        yield return (study, "multipart/related; type=\"application/dicom\"");
        yield return (study, "application/zip");
        yield return (study + "?dicomdir=true", "application/zip");
        yield return (instance + "/metadata", "application/dicom+json");
        yield return (instance + "/metadata", "multipart/related; type=\"application/dicom+xml\"");
        yield return (series + "/metadata", null);
        yield return (study + "/metadata", null);
        yield return (study + "/metadata", "multipart/related; type=\"application/dicom+xml\"");
        yield return (instance + "/frames/1", frameAny);
        yield return (instance + "/frames/1", null);
        yield return (instance + $"/frames/{frames}", frameAny);
        yield return (instance + $"/frames/1,{frames}", "multipart/related; type=application/octet-stream");
        yield return (instance + "/bulkdata/7FE00010", frameAny);
        yield return (instance + "/bulkdata/7FE00010", "application/octet-stream");
        yield return (instance + "/rendered", "image/jpeg");
        yield return (instance + "/rendered", "image/png");
        yield return (instance + "/rendered?window=40,400,linear&viewport=64,48", "image/jpeg");
        yield return (instance + "/rendered?viewport=300,200&quality=10", "image/png");
        yield return (instance + $"/frames/{frames}/rendered", null);
        yield return (instance + "/frames/1/rendered?window=0,1,sigmoid", "image/png");
        yield return (instance + "/thumbnail", null);
        yield return (series + "/thumbnail", null);
        yield return (study + "/thumbnail", null);
        yield return (series + "/rendered", "multipart/related; type=\"image/jpeg\"");
        string uri = $"/wado?requestType=WADO&studyUID={studyUid}&seriesUID={seriesUid}&objectUID={sopUid}";
        yield return (uri, null);
        yield return (uri + "&contentType=application%2Fdicom", null);
        yield return (uri + "&contentType=application%2Fdicom&transferSyntax=1.2.840.10008.1.2.1", null);
        yield return (uri + "&contentType=image%2Fpng&frameNumber=" + frames + "&windowCenter=40&windowWidth=400&rows=32", null);
        yield return ($"/dicomweb/studies?StudyInstanceUID={studyUid}&includefield=all", null);
        yield return ($"/dicomweb/studies/{studyUid}/series?includefield=all", null);
        yield return ($"/dicomweb/studies/{studyUid}/series/{seriesUid}/instances?includefield=all", null);
        yield return ($"/dicomweb/instances?SOPInstanceUID={sopUid}&includefield=all", "multipart/related; type=\"application/dicom+xml\"");
    }

    // The last frame as the stored metadata counts them (clamped: an absurd count is the point of some mutants).
    private async Task<int> FrameCountAsync(string instance)
    {
        using var response = await _client.GetAsync(instance + "/metadata");
        if (!response.IsSuccessStatusCode)
        {
            return 1;
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (json.RootElement[0].TryGetProperty("00280008", out var attribute) && attribute.TryGetProperty("Value", out var value)
            && value[0].ValueKind == JsonValueKind.Number && value[0].TryGetInt64(out long count))
        {
            return (int)Math.Clamp(count, 1, int.MaxValue);
        }
        return 1;
    }

    private async Task CheckAsync(List<string> failures, string what, string url, string? accept)
    {
        long before = GC.GetTotalAllocatedBytes();
        await Try(failures, what, url + " " + accept, async () =>
        {
            using var response = await _client.SendAsync(WadoResponses.Get(url, accept), HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            string start = "";
            while (await body.ReadAsync(buffer) is var read and > 0)
            {
                start = start.Length == 0 ? System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(read, 600)) : start;
            }
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{what}: GET {url} (Accept: {accept}) answered {(int)response.StatusCode}: {start}");
            }
            return "";
        });
        long allocated = GC.GetTotalAllocatedBytes() - before;
        if (allocated > AbsurdAllocation)
        {
            failures.Add($"{what}: GET {url} (Accept: {accept}) allocated {allocated >> 20} MB");
        }
    }

    private static async Task<T?> Try<T>(List<string> failures, string what, string endpoint, Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidOperationException)
        {
            failures.Add($"{what}: {endpoint} failed: {e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
            return default;
        }
    }

    private async Task CheckUndamagedAsync(List<string> failures, string name)
    {
        foreach (var (seed, url, bytes) in _undamaged)
        {
            using var response = await _client.SendAsync(WadoResponses.Get(url, "application/dicom; transfer-syntax=*"));
            var body = await response.Content.ReadAsByteArrayAsync();
            if ((int)response.StatusCode != 200 || !body.AsSpan().SequenceEqual(bytes))
            {
                failures.Add($"after the mutants of {name}: undamaged {seed} answered {(int)response.StatusCode} with {body.Length} bytes, not as stored");
            }
        }
    }

    private static string Tail(string log) => log.Length <= 20000 ? log : log[^20000..];

    private static string LocalPath(string url) => url[url.IndexOf("/dicomweb/", StringComparison.Ordinal)..];

    private static async Task<byte[]> SeedBytesAsync(string name, string synthetic)
    {
        const string privateSequence = "+private-sequence";
        if (name.EndsWith("@synthetic", StringComparison.Ordinal))
        {
            return await File.ReadAllBytesAsync(Path.Combine(synthetic, name[..^"@synthetic".Length]));
        }
        if (name.EndsWith(privateSequence, StringComparison.Ordinal))
        {
            return await WithPrivateSequenceAsync(await File.ReadAllBytesAsync(PydicomCorpus.File(name[..^privateSequence.Length])));
        }
        bool inTestFiles = File.Exists(Path.Combine(PydicomCorpus.Root, "test_files", name));
        return await File.ReadAllBytesAsync(PydicomCorpus.PathOf((inTestFiles ? "test_files/" : "charset_files/") + name));
    }

    // An implicit VR file given a private sequence of undefined length, holding a nested private sequence.
    private static async Task<byte[]> WithPrivateSequenceAsync(byte[] implicitFile)
    {
        var file = await DicomReader.ReadAsync(new MemoryStream(implicitFile));
        int at = (int)file.Dataset.First(e => e.Tag.Value > 0x00091003).ValueOffset - 8;
        var inserted = new MemoryStream();
        void Element(uint tag, uint length, string? value = null)
        {
            Span<byte> header = stackalloc byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], length);
            inserted.Write(header);
            inserted.Write(System.Text.Encoding.ASCII.GetBytes(value ?? ""));
        }
        Element(0x00090010, 8, "DWA TEST");
        Element(0x00091001, 0xFFFFFFFF);
        Element(0xFFFEE000, 0xFFFFFFFF);
        Element(0x00090010, 8, "DWA TEST");
        Element(0x00091002, 4, "ABCD");
        Element(0x00091003, 0xFFFFFFFF);
        Element(0xFFFEE000, 12);
        Element(0x00080100, 4, "X1  ");
        Element(0xFFFEE0DD, 0);
        Element(0xFFFEE00D, 0);
        Element(0xFFFEE0DD, 0);
        return [.. implicitFile.AsSpan(0, at), .. inserted.ToArray(), .. implicitFile.AsSpan(at)];
    }
}
