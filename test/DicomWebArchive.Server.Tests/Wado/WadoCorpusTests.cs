using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DicomWebArchive.Dicom;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Server.Tests.Stow;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>
/// The whole pydicom corpus stored through STOW-RS, then retrieved through WADO-RS: stored bytes, converted data
/// sets, metadata, frames (against pydicom) and every BulkDataURI the metadata emits.
/// </summary>
public sealed class WadoCorpusTests
{
    private const string OhifFrameAccept = "multipart/related; type=application/octet-stream; transfer-syntax=*";
    private static readonly DicomReaderOptions LoadAll = new() { PixelData = PixelDataHandling.Load, MaxInlineValueLength = int.MaxValue };

    private readonly List<ArchiveFactory> _archives = [];
    private readonly List<Stored> _stored = [];

    private sealed record Stored(CorpusEntry Entry, HttpClient Client, string Url, TransferSyntax Syntax)
    {
        public override string ToString() => Entry.ToString();
    }

    [OneTimeSetUp]
    public async Task StoreCorpusAsync()
    {
        foreach (var round in StowCorpusTests.Rounds())
        {
            var valid = round.Where(e => e.Stored).ToList();
            if (valid.Count == 0)
            {
                continue;
            }
            var factory = new ArchiveFactory();
            _archives.Add(factory);
            var client = factory.CreateClient();
            var result = await StowRequests.PostAsync(client, StowRequests.MultipartFiles(valid.Select(e => e.Path)));
            Assert.That((result.Status, result.Failed.Count, result.Referenced.Count), Is.EqualTo((valid.Any(e => e.Warning is not null) ? 202 : 200, 0, valid.Count)), result.ToString);
            foreach (var entry in valid)
            {
                var file = await ReadAsync(await File.ReadAllBytesAsync(entry.Path), DicomReaderOptions.Default);
                _stored.Add(new Stored(entry, client, $"/dicomweb/studies/{entry.Study}/series/{entry.Series}/instances/{entry.Sop}", file.TransferSyntax));
            }
        }
        Assert.That(_stored, Has.Count.GreaterThan(130), "corpus instances stored");
    }

    [OneTimeTearDown]
    public void DisposeArchives()
    {
        foreach (var archive in _archives)
        {
            archive.Dispose();
        }
    }

    /// <summary>The upload with its preamble zeroed, or the oracle's corrected file where the meta group was rebuilt.</summary>
    [Test]
    public async Task RetrieveInstance_AnyTransferSyntax_StoredBytes()
    {
        foreach (var stored in _stored)
        {
            using var response = await stored.Client.SendAsync(WadoResponses.Get(stored.Url, "application/dicom; transfer-syntax=*"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), stored.ToString);
            Assert.That(response.Content.Headers.ContentType!.ToString(), Does.Contain("transfer-syntax=" + stored.Syntax.Uid), stored.ToString);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.That(Hash(bytes), Is.EqualTo(stored.Entry.StoredSha256), stored.ToString);
            if (!stored.Entry.IsCoerced)
            {
                Assert.That(bytes, Is.EqualTo(ZeroPreamble(stored.Entry.Path)), stored.ToString);
            }
        }
    }

    [Test]
    public async Task RetrieveStudy_MultipartAnyTransferSyntax_EveryPartAStoredFile()
    {
        foreach (var study in _stored.GroupBy(s => (s.Client, s.Entry.Study)))
        {
            using var response = await study.Key.Client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{study.Key.Study}", "multipart/related; type=\"application/dicom\"; transfer-syntax=*"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), study.Key.Study);
            var parts = await WadoResponses.ReadPartsAsync(response);
            Assert.That(parts.Select(p => Hash(p.Body)).Order(), Is.EqualTo(study.Select(s => s.Entry.StoredSha256).Order()), study.Key.Study);
            Assert.That(parts.Select(p => p.ContentType), Has.All.StartWith("application/dicom; transfer-syntax="));
        }
    }

    [Test]
    public async Task RetrieveInstance_DefaultSyntaxOfNativeInstance_ExplicitLittleEndianWithEqualDataset()
    {
        int converted = 0;
        foreach (var stored in _stored.Where(s => !s.Syntax.IsEncapsulated))
        {
            using var response = await stored.Client.SendAsync(WadoResponses.Get(stored.Url, "application/dicom"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), stored.ToString);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var actual = await ReadAsync(bytes, LoadAll);
            Assert.That(actual.TransferSyntax, Is.EqualTo(TransferSyntax.ExplicitVRLittleEndian), stored.ToString);
            if (stored.Syntax == TransferSyntax.ExplicitVRLittleEndian)
            {
                Assert.That(Hash(bytes), Is.EqualTo(stored.Entry.StoredSha256), $"{stored}: already explicit LE, sent as stored");
                continue;
            }
            var expected = await ReadAsync(await File.ReadAllBytesAsync(stored.Entry.Path), LoadAll);
            var differences = new List<string>();
            CompareDatasets(expected.Dataset, actual.Dataset, "", expected.TransferSyntax.IsBigEndian ? BitsAllocated(expected.Dataset) : 0, differences);
            Assert.That(differences, Is.Empty, stored.ToString);
            converted++;
        }
        Assert.That(converted, Is.GreaterThanOrEqualTo(7), "implicit, big endian and deflated instances converted");
    }

    [Test]
    public async Task RetrieveMetadata_EveryInstance_EqualsJsonWriterOutputWithAbsoluteBulkDataUris()
    {
        foreach (var stored in _stored)
        {
            using var response = await stored.Client.SendAsync(WadoResponses.Get(stored.Url + "/metadata", "application/dicom+json"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), stored.ToString);
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/dicom+json"));
            var actual = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            var expected = JsonNode.Parse("[" + await ExpectedMetadataAsync(stored) + "]");
            Assert.That(JsonNode.DeepEquals(expected, actual), Is.True, () => $"{stored}: {string.Join("\n", DicomWebArchive.Testing.JsonDiff.Differences(expected, actual).Take(10))}");
        }
    }

    [Test]
    public async Task RetrieveFrames_EveryFrameOfEveryImage_EqualsPydicomFrame()
    {
        var oracle = WadoResponses.PydicomFrames(_stored.Select(s => s.Entry.Path));
        int compared = 0, multiFrame = 0;
        foreach (var stored in _stored)
        {
            var expected = oracle[stored.Entry.Path];
            if (expected.ValueKind == JsonValueKind.Null || expected.TryGetProperty("error", out _))
            {
                continue;
            }
            var hashes = expected.GetProperty("frames").EnumerateArray().Select(h => h.GetString()).ToList();
            string list = string.Join(',', Enumerable.Range(1, hashes.Count));
            using var response = await stored.Client.SendAsync(WadoResponses.Get($"{stored.Url}/frames/{list}", OhifFrameAccept));
            if (stored.Syntax.IsDeflated)
            {
                Assert.That((int)response.StatusCode, Is.EqualTo(406), $"{stored}: deflated frames are refused with a message");
                continue;
            }
            Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{stored}: {await response.Content.ReadAsStringAsync()}");
            var parts = await WadoResponses.ReadPartsAsync(response);
            Assert.That(parts.Select(p => Hash(p.Body)), Is.EqualTo(hashes), stored.ToString);
            Assert.That(parts.Select(p => p.ContentType), Has.All.Contain("transfer-syntax="), stored.ToString);
            compared++;
            multiFrame += hashes.Count > 1 ? 1 : 0;
        }
        Assert.That(compared, Is.GreaterThan(60), "images compared");
        Assert.That(multiFrame, Is.GreaterThanOrEqualTo(4), "multi-frame images compared");
    }

    [Test]
    public async Task RetrieveBulkData_EveryUriTheMetadataEmits_ResolvesToTheValue()
    {
        int values = 0;
        foreach (var stored in _stored)
        {
            using var metadata = await stored.Client.SendAsync(WadoResponses.Get(stored.Url + "/metadata"));
            var uris = new List<string>();
            CollectBulkDataUris(JsonNode.Parse(await metadata.Content.ReadAsStringAsync()), uris);
            var original = uris.Count > 0 ? await ReadAsync(await File.ReadAllBytesAsync(stored.Entry.Path), LoadAll) : null;
            foreach (var uri in uris)
            {
                Assert.That(uri, Does.StartWith("http://localhost" + stored.Url + "/bulkdata/"), stored.ToString);
                using var response = await stored.Client.SendAsync(WadoResponses.Get(uri, OhifFrameAccept));
                Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{stored} {uri}: {await response.Content.ReadAsStringAsync()}");
                var parts = await WadoResponses.ReadPartsAsync(response);
                Assert.That(parts.Select(p => p.ContentLocation), Has.All.EqualTo(uri), stored.ToString);
                string path = uri[(uri.IndexOf("/bulkdata/", StringComparison.Ordinal) + 10)..];
                if (path == "7FE00010")
                {
                    await AssertPixelDataAsync(stored, parts);
                }
                else
                {
                    Core.Retrieve.BulkDataPath.TryParse(path, out var tagPath);
                    var element = tagPath.Find(original!.Dataset)!;
                    var expected = element.Fragments is { } fragments
                        ? fragments.SelectMany(f => File.ReadAllBytes(stored.Entry.Path).AsSpan((int)f.Offset, (int)f.Length).ToArray()).ToArray()
                        : element.Value.ToArray();
                    Assert.That(parts.Single().Body, Is.EqualTo(expected), $"{stored} {path}");
                }
                values++;
            }
        }
        Assert.That(values, Is.GreaterThanOrEqualTo(90), "bulk data values resolved");
    }

    private static async Task AssertPixelDataAsync(Stored stored, List<ResponsePart> parts)
    {
        using var response = await stored.Client.SendAsync(WadoResponses.Get(stored.Url + "/frames/1", OhifFrameAccept));
        if ((int)response.StatusCode != 200)
        {
            return; // no frame table (deflated, unknown geometry): the value itself was served (200 above)
        }
        using var all = await stored.Client.SendAsync(WadoResponses.Get(stored.Url + "/metadata"));
        var json = JsonNode.Parse(await all.Content.ReadAsStringAsync())![0]!;
        int count = int.TryParse(json["00280008"]?["Value"]?[0]?.ToString(), out int n) && n > 0 ? n : 1;
        using var framesResponse = await stored.Client.SendAsync(WadoResponses.Get($"{stored.Url}/frames/{string.Join(',', Enumerable.Range(1, count))}", OhifFrameAccept));
        if ((int)framesResponse.StatusCode != 200)
        {
            return; // Number of Frames disagrees with the frame table (broken corpus files): the frames test covers those
        }
        var expected = await WadoResponses.ReadPartsAsync(framesResponse);
        if (stored.Syntax.IsEncapsulated)
        {
            Assert.That(parts.Select(p => Hash(p.Body)), Is.EqualTo(expected.Select(p => Hash(p.Body))), $"{stored}: compressed Pixel Data is its frames");
        }
        else
        {
            Assert.That(Hash(parts.Single().Body), Is.EqualTo(Hash(expected.SelectMany(p => p.Body).ToArray())), $"{stored}: native Pixel Data is its frames");
        }
    }

    private static async Task<string> ExpectedMetadataAsync(Stored stored)
    {
        var file = await ReadAsync(await File.ReadAllBytesAsync(stored.Entry.Path), new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
        var options = new DicomJsonOptions
        {
            BulkDataThreshold = 1024,
            BulkDataUri = reference => $"http://localhost{stored.Url}/bulkdata/{reference}",
        };
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            DicomJsonWriter.WriteDataset(writer, file.Dataset, options);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void CollectBulkDataUris(JsonNode? node, List<string> uris)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == "BulkDataURI")
                    {
                        uris.Add(value!.GetValue<string>());
                    }
                    else
                    {
                        CollectBulkDataUris(value, uris);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectBulkDataUris(item, uris);
                }
                break;
        }
    }

    /// <summary>Element by element, ignoring the meta group and group lengths; a value may gain one padding byte.</summary>
    private static void CompareDatasets(DicomDataset expected, DicomDataset actual, string path, int bitsAllocated, List<string> differences)
    {
        var e = expected.Where(x => x.Tag.Group != 2 && !x.Tag.IsGroupLength).ToList();
        var a = actual.Where(x => x.Tag.Group != 2 && !x.Tag.IsGroupLength).ToList();
        if (!e.Select(x => x.Tag).SequenceEqual(a.Select(x => x.Tag)))
        {
            differences.Add($"{path}: tags differ: expected {string.Join(' ', e.Select(x => x.Tag))}, got {string.Join(' ', a.Select(x => x.Tag))}");
            return;
        }
        for (int i = 0; i < e.Count; i++)
        {
            var (x, y) = (e[i], a[i]);
            string at = path + x.Tag;
            if (x.Items is not null)
            {
                if (y.Items is null || x.Items.Count != y.Items.Count)
                {
                    differences.Add($"{at}: item counts differ");
                    continue;
                }
                for (int item = 0; item < x.Items.Count; item++)
                {
                    CompareDatasets(x.Items[item], y.Items[item], $"{at}/{item}/", bitsAllocated, differences);
                }
                continue;
            }
            var expectedValue = x.Value.ToArray();
            // The reader swaps big-endian OW by 16-bit words; the archive sends wider pixels whole (Bits Allocated).
            if (x.Tag == DicomTags.PixelData && bitsAllocated is 32 or 64 && x.VR == DicomVR.OW)
            {
                SwapWords(expectedValue, bitsAllocated / 8);
            }
            var actualValue = y.Value.ToArray();
            bool padded = actualValue.Length == expectedValue.Length + 1 && actualValue[^1] is 0 or 0x20;
            if (!(padded ? actualValue.AsSpan(0, expectedValue.Length) : actualValue.AsSpan()).SequenceEqual(expectedValue))
            {
                differences.Add($"{at}: values differ ({expectedValue.Length} vs {actualValue.Length} bytes)");
            }
        }
    }

    private static void SwapWords(byte[] value, int size)
    {
        // Undo the reader's 16-bit swap, then swap by the pixel size.
        for (int i = 0; i + 1 < value.Length; i += 2)
        {
            (value[i], value[i + 1]) = (value[i + 1], value[i]);
        }
        for (int i = 0; i + size <= value.Length; i += size)
        {
            Array.Reverse(value, i, size);
        }
    }

    private static int BitsAllocated(DicomDataset dataset) =>
        dataset.Find(DicomTags.BitsAllocated) is { Value.Length: >= 2 } e ? e.Value.Span[0] | (e.Value.Span[1] << 8) : 16;

    private static async Task<DicomFile> ReadAsync(byte[] bytes, DicomReaderOptions options) =>
        await DicomReader.ReadAsync(new MemoryStream(bytes), options);

    private static byte[] ZeroPreamble(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes.AsSpan(0, 128).Clear();
        return bytes;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
