using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>
/// The rebuild-index command of the built server, on each index database: an index rebuilt from the blob store alone
/// answers QIDO and WADO metadata as the original index did, updated instances included.
/// </summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class IndexRebuildCommandTests(string provider)
{
    private static readonly string[] RealFiles =
    [
        PydicomCorpus.File("CT_small.dcm"), PydicomCorpus.File("MR_small_RLE.dcm"), PydicomCorpus.File("JPEG2000.dcm"),
        PydicomCorpus.File("SC_rgb_rle_2frame.dcm"), PydicomCorpus.PathOf("charset_files/chrH31.dcm"), PydicomCorpus.PathOf("charset_files/chrGerm.dcm"),
    ];

    [Test]
    public async Task RebuildIndex_FromBlobsAlone_SameQidoAndMetadataAsTheOriginalIndex()
    {
        await using var original = await ManagementArchive.StartAsync(provider);
        foreach (var file in RealFiles)
        {
            var result = await StowRequests.PostAsync(original.Client, StowRequests.MultipartFiles([file]));
            Assert.That(result.Status, Is.EqualTo(200), $"{file}: {result}");
        }
        string updated = TestDicom.NewUid();
        await original.StoreAsync(updated, "P1", ("CT", 3), ("MR", 2));
        await original.StoreAsync(TestDicom.NewUid(), "P2", ("US", 2));
        var update = await original.BulkUpdateAsync(new
        {
            studyInstanceUids = new[] { updated },
            changeDataset = new Dictionary<string, object> { ["00100020"] = new { vr = "LO", Value = new[] { "MERGED-7" } } },
        });
        Assert.That(update.GetProperty("status").GetString(), Is.EqualTo("completed"));
        var before = await AnswersAsync(original);

        var rebuiltIndex = await TestIndexDatabase.CreateAsync(provider);
        string[] storage = [$"--Storage:DataDirectory={original.Factory.DataDirectory}", .. rebuiltIndex.Arguments];
        var (exitCode, output) = await ServerProcess.RunCommandAsync(["rebuild-index", .. storage]);
        var (againCode, againOutput) = await ServerProcess.RunCommandAsync(["rebuild-index", .. storage]);
        await using var rebuilt = ManagementArchive.Open(rebuiltIndex, original.Factory.DataDirectory);
        var after = await AnswersAsync(rebuilt);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain($"{RealFiles.Length + 7} instances indexed").And.Contain("5 older versions kept"), output);
        Assert.That(after.Keys, Is.EquivalentTo(before.Keys));
        foreach (var (request, answer) in before)
        {
            Assert.That(after[request], Is.EqualTo(answer), request);
        }
        Assert.That((await rebuilt.JsonAsync("/dicomweb/studies?PatientID=MERGED-7")).GetArrayLength(), Is.EqualTo(1), "the updated version is the instance");
        Assert.That(againCode, Is.EqualTo(1), "a second rebuild into a filled index is refused");
        Assert.That(againOutput, Does.Contain("already holds"));
        rebuilt.Factory.Archive.AssertAggregatesMatchRows();
    }

    /// <summary>Every study, series and instance search with all fields, and every study's metadata, by request; arrays in UID order.</summary>
    private static async Task<Dictionary<string, string>> AnswersAsync(ManagementArchive archive)
    {
        var answers = new Dictionary<string, string>();
        var studies = await archive.JsonAsync("/dicomweb/studies?includefield=all");
        answers["studies"] = Sorted(studies, "0020000D");
        answers["instances"] = Sorted(await archive.JsonAsync("/dicomweb/instances?includefield=all"), "00080018");
        foreach (var study in studies.EnumerateArray().Select(s => s.GetProperty("0020000D").GetProperty("Value")[0].GetString()!))
        {
            answers[$"{study}/series"] = Sorted(await archive.JsonAsync($"/dicomweb/studies/{study}/series?includefield=all"), "0020000E");
            answers[$"{study}/instances"] = Sorted(await archive.JsonAsync($"/dicomweb/studies/{study}/instances?includefield=all"), "00080018");
            answers[$"{study}/metadata"] = Sorted(await archive.JsonAsync($"/dicomweb/studies/{study}/metadata"), "00080018");
        }
        Assert.That(answers, Has.Count.GreaterThan(10));
        return answers;
    }

    private static string Sorted(JsonElement array, string tag) => JsonSerializer.Serialize(
        array.EnumerateArray().OrderBy(e => e.GetProperty(tag).GetProperty("Value")[0].GetString(), StringComparer.Ordinal).ToArray());
}
