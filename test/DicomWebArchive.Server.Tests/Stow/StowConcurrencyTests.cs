using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Stow;

/// <summary>Eight clients storing overlapping studies at once: counts and aggregates are exact afterwards, on each index database.</summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed class StowConcurrencyTests(string provider)
{
    [Test]
    public async Task PostStudies_EightClientsOverlappingStudies_ExactCountsAndAggregates()
    {
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        await using var factory = new ArchiveFactory(index);
        string[] studies = [TestDicom.NewUid(), TestDicom.NewUid()];
        string[] series = [.. Enumerable.Range(0, 4).Select(_ => TestDicom.NewUid())];
        // Series s belongs to study s % 2; the shared instances, sent by every client, are in series 0.
        var shared = Enumerable.Range(0, 6).Select(_ => new TestDicom(studies[0], series[0], TestDicom.NewUid()).ToArray()).ToList();

        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            using var client = factory.CreateClient();
            var statuses = new List<int>();
            for (int batch = 0; batch < 3; batch++)
            {
                var files = Enumerable.Range(0, 5)
                    .Select(_ => new TestDicom(studies[c % 2], series[c % 4], TestDicom.NewUid(), modality: c % 4 == 3 ? "MR" : "CT").ToArray())
                    .Concat(shared.Skip(batch * 2).Take(2))
                    .ToList();
                statuses.Add((await StowRequests.PostAsync(client, StowRequests.Multipart(files))).Status);
            }
            return statuses;
        })).ToArray();
        var statuses = (await Task.WhenAll(clients)).SelectMany(s => s).ToList();

        Assert.That(statuses, Has.Count.EqualTo(24).And.All.EqualTo(200));
        var archive = factory.Archive;
        Assert.That(archive.Count("instance"), Is.EqualTo((8 * 15) + 6));
        var studyRows = archive.Query<(string, long, long, string)>(
            "SELECT study_instance_uid, number_of_series, number_of_instances, modalities_in_study FROM study ORDER BY number_of_instances DESC");
        Assert.That(studyRows, Is.EqualTo(new[] { (studies[0], 2L, 66L, "CT"), (studies[1], 2L, 60L, "CT\\MR") }));
        var seriesCounts = archive.Query<(string, long)>("SELECT series_instance_uid, number_of_instances FROM series").ToDictionary(r => r.Item1, r => r.Item2);
        Assert.That(seriesCounts, Is.EquivalentTo(new Dictionary<string, long> { [series[0]] = 36, [series[1]] = 30, [series[2]] = 30, [series[3]] = 30 }));
        archive.AssertAggregatesMatchRows();
        archive.AssertConsistent();
    }
}
