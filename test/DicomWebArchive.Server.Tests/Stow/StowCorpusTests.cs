using System.Security.Cryptography;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>
/// The whole pydicom corpus through the real HTTP pipeline: every file the reference toolkits read and whose UIDs can be
/// keys stored (with a corrected meta group where it lacked or contradicted one), every other refused with its reason in
/// words and nothing left.
/// </summary>
public sealed class StowCorpusTests
{
    /// <summary>
    /// Several corpus files share a SOP Instance UID with different bytes (one image in several transfer syntaxes).
    /// Each round goes to a fresh archive and holds at most one file per UID, so every valid file is stored once;
    /// the first round also carries every broken file.
    /// </summary>
    internal static List<List<CorpusEntry>> Rounds()
    {
        var rounds = new List<List<CorpusEntry>> { CorpusOracle.All.Where(e => !e.Stored).ToList() };
        foreach (var group in CorpusOracle.All.Where(e => e.Stored).GroupBy(e => e.Sop))
        {
            int round = 0;
            foreach (var entry in group)
            {
                if (rounds.Count == round)
                {
                    rounds.Add([]);
                }
                rounds[round++].Add(entry);
            }
        }
        return rounds;
    }

    [Test]
    public async Task PostStudies_WholeCorpus_ValidStoredBrokenFailedNothingLeft()
    {
        var rounds = Rounds();
        Assert.That(rounds.Sum(r => r.Count), Is.EqualTo(CorpusOracle.All.Count));
        foreach (var round in rounds)
        {
            await using var factory = new ArchiveFactory();
            using var client = factory.CreateClient();

            var result = await StowRequests.PostAsync(client, StowRequests.MultipartFiles(round.Select(e => e.Path)));

            await AssertRoundAsync(round, result, factory.Archive, client, () => factory.Log.ToString());
        }
    }

    // Text decoded per Specific Character Set (ISO 2022 included) must match pydicom's; compared where the study has one instance.
    private static void AssertAttributes(List<CorpusEntry> valid, ArchiveInspector archive)
    {
        var studies = archive.Query<(string, string?, string?, string?, string?)>(
            "SELECT study_instance_uid, patient_name, patient_id, study_description, study_date FROM study").ToDictionary(r => r.Item1);
        var series = archive.Query<(string, string?)>("SELECT series_instance_uid, modality FROM series").ToDictionary(r => r.Item1, r => r.Item2);
        foreach (var entry in valid.Where(e => valid.Count(other => other.Study == e.Study) == 1))
        {
            var study = studies[entry.Study!];
            // Trailing empty component groups ("Wang^XiaoDong=王^小東=") are insignificant (PS3.5 §6.2.1); pydicom drops them.
            Assert.That((study.Item2?.TrimEnd('='), study.Item3, study.Item4, study.Item5), Is.EqualTo((entry.PatientName, entry.PatientId, entry.StudyDescription, entry.StudyDate)),
                $"{entry}: study attributes");
            Assert.That(series[entry.Series!], Is.EqualTo(entry.Modality), $"{entry}: modality");
        }
    }

    private static readonly string[] NativeSyntaxes = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"];

    // Frames are byte ranges of the stored blob: pydicom's file offsets, moved by the rebuilt meta group where there is one, must match.
    private static void AssertPixelData(CorpusEntry entry, InstanceRow row)
    {
        if (entry.PixelOffset is not { } offset)
        {
            return;
        }
        Assert.That(row.PixelDataOffset, Is.EqualTo(offset), $"{entry}: Pixel Data offset");
        if (entry.Frames is null)
        {
            Assert.That(row.FrameTable, Is.Null, $"{entry}: Number of Frames is not a number (badVR.dcm's \"1A\"), so frames cannot be located");
        }
        else if (NativeSyntaxes.Contains(entry.TransferSyntax))
        {
            Assert.That(row.FrameTable, Is.Not.Null, $"{entry}: native frames are located");
            var table = FrameTable.Decode(row.FrameTable);
            Assert.That((table.Count, table[0][0].Offset), Is.EqualTo((entry.Frames!.Value, offset)), $"{entry}: frame table");
        }
        else if (row.FrameTable is not null)
        {
            Assert.That(FrameTable.Decode(row.FrameTable).Count, Is.EqualTo(entry.Frames), $"{entry}: encapsulated frame count");
        }
    }

    internal static async Task AssertRoundAsync(List<CorpusEntry> round, StoreResult result, ArchiveInspector archive, HttpClient client, Func<string> serverLog)
    {
        var valid = round.Where(e => e.Stored).ToList();
        var broken = round.Where(e => !e.Stored).ToList();
        bool warned = valid.Any(e => e.Warning is not null);
        Assert.That(result.Status, Is.EqualTo(broken.Count == 0 && !warned ? 200 : 202), () => $"{result}\nserver log:\n{serverLog()}");
        Assert.That(result.Referenced.Select(r => r.SopInstance).Order(), Is.EqualTo(valid.Select(e => e.Sop).Order()), "stored instances");
        Assert.That(result.Referenced.Select(r => (r.SopInstance, r.Warning)).Order(), Is.EqualTo(valid.Select(e => (e.Sop, e.Warning)).Order()), "warnings");
        Assert.That(result.Failed, Has.Count.EqualTo(broken.Count), "failed instances");
        Assert.That(result.FailureComments.Select(c => c ?? ""), Has.All.Not.Empty, "every refusal says why in words");
        Assert.That(result.Referenced.Zip(result.ReferencedComments).Where(r => r.First.Warning is not null).Select(r => r.Second ?? ""), Has.All.Not.Empty, "every warning says why in words");

        var expectedReasons = broken
            .Select(e => e.Reason.StartsWith("not DICOM", StringComparison.Ordinal) || e.Reason.StartsWith("unreadable", StringComparison.Ordinal)
                ? StoreFailureReason.CannotUnderstand
                : StoreFailureReason.DataSetDoesNotMatchSopClass)
            .Select(r => (int)r).Order();
        Assert.That(result.Failed.Select(f => f.Reason).Order(), Is.EqualTo(expectedReasons), () => "failure reasons, expected:\n" + string.Join('\n', broken.Select(b => $"{b} {b.Sop}: {b.Reason}"))
            + "\nactual:\n" + string.Join('\n', result.Failed.Zip(result.FailureComments)));

        var rows = archive.Instances().ToDictionary(r => r.SopInstanceUid);
        Assert.That(rows.Keys.Order(), Is.EqualTo(valid.Select(e => e.Sop).Order()), "index rows");
        archive.AssertConsistent();
        foreach (var entry in valid)
        {
            var row = rows[entry.Sop!];
            var stored = await File.ReadAllBytesAsync(archive.BlobPath(row.BlobKey));
            Assert.Multiple(() =>
            {
                // The upload with its preamble zeroed or, coerced, a zero preamble, the meta group pydicom writes for the
                // data set and the data set as sent.
                Assert.That(Convert.ToHexStringLower(SHA256.HashData(stored)), Is.EqualTo(entry.StoredSha256), $"{entry}: stored bytes ({entry.Reason})");
                Assert.That(row.Sha256, Is.EqualTo(SHA256.HashData(stored)), $"{entry}: SHA-256");
                Assert.That(row.Size, Is.EqualTo(stored.Length), $"{entry}: size");
                Assert.That((row.StudyInstanceUid, row.SeriesInstanceUid, row.SopClassUid), Is.EqualTo((entry.Study, entry.Series, entry.SopClass)), $"{entry}: UIDs");
            });
            AssertPixelData(entry, row);
        }
        AssertAttributes(valid, archive);
        var ready = await client.GetAsync("/health/ready");
        Assert.That((int)ready.StatusCode, Is.EqualTo(200), "ready after the corpus");
    }
}
