using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>
/// Two server processes on one shared index database and one blob store, as replicas behind a load balancer: halves of
/// the same studies stored through both at once leave exact counts and aggregates, and both give the same answers.
/// </summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.Shared))]
public sealed class ReplicaTests(string provider)
{
    [Test]
    public async Task TwoReplicas_HalvesOfTheSameStudiesAtOnce_ExactCountsAggregatesAndSameQidoAnswers()
    {
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        using var shared = new TempDirectory("dwa-replicas-");
        string[] arguments =
        [
            $"--Storage:Blobs:HotRoot={shared.Combine("blobs", "hot")}", $"--Storage:Blobs:CoolRoot={shared.Combine("blobs", "cool")}",
            "--Storage:Sweeper:Enabled=false", .. index.Arguments,
        ];
        var starting = new[] { "a", "b" }.Select(name => ServerProcess.StartAsync(shared.Combine(name), arguments)).ToList();
        await using var a = await starting[0];
        await using var b = await starting[1];

        // 3 studies x 4 series (CT, CT, MR, SR) x 8 instances; instance n goes through replica n % 2, two clients per
        // replica, five instances per request. The first series of study 0 is also sent through both: retries are idempotent.
        string[] studies = [TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()];
        string[] modalities = ["CT", "CT", "MR", "SR"];
        var series = studies.Select(_ => modalities.Select(_ => TestDicom.NewUid()).ToArray()).ToArray();
        var instances = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            for (var st = 0; st < studies.Length; st++)
            {
                for (var se = 0; se < modalities.Length; se++)
                {
                    instances.Add(new TestDicom(studies[st], series[st][se], TestDicom.NewUid(), modality: modalities[se], patientId: $"PID-{st}").ToArray());
                }
            }
        }
        var both = instances.Where((_, n) => n % (studies.Length * modalities.Length) == 0).ToList();
        var replicas = new[] { a, b };
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            using var client = replicas[c % 2].CreateClient();
            var mine = instances.Where((_, n) => n % 4 == c).Concat(both.Where((_, n) => n % 2 == c / 2)).ToList();
            var statuses = new List<int>();
            foreach (var batch in mine.Chunk(5))
            {
                statuses.Add((await StowRequests.PostAsync(client, StowRequests.Multipart(batch))).Status);
            }
            return statuses;
        })).ToArray();
        var statuses = (await Task.WhenAll(clients)).SelectMany(s => s).ToList();

        Assert.That(statuses, Is.All.EqualTo(200));
        var archive = new ArchiveInspector(shared.Path, index);
        Assert.That(archive.Count("instance"), Is.EqualTo(instances.Count));
        var studyRows = archive.Query<(string, long, long, string)>(
            "SELECT study_instance_uid, number_of_series, number_of_instances, modalities_in_study FROM study ORDER BY study_instance_uid");
        Assert.That(studyRows, Is.EquivalentTo(studies.Select(s => (s, 4L, 32L, "CT\\MR\\SR"))));
        Assert.That(archive.Query<long>("SELECT number_of_instances FROM series"), Has.Count.EqualTo(12).And.All.EqualTo(8L));
        archive.AssertAggregatesMatchRows();
        archive.AssertConsistent();
        var changes = archive.Query<long>("SELECT sequence FROM change_log ORDER BY sequence");
        Assert.That(changes, Has.Count.EqualTo(instances.Count).And.Unique);

        foreach (var query in new[] { "/studies?includefield=all", $"/studies/{studies[1]}/series", $"/studies/{studies[2]}/series/{series[2][2]}/instances", "/studies?ModalitiesInStudy=MR&PatientID=PID-0" })
        {
            var answers = await Task.WhenAll(replicas.Select(async server =>
            {
                using var client = server.CreateClient();
                var body = await client.GetStringAsync(server.DicomWebRoot + query);
                return body.Replace(server.BaseAddress.ToString().TrimEnd('/'), "http://replica", StringComparison.Ordinal);
            }));
            Assert.That(answers[1], Is.EqualTo(answers[0]), query);
            Assert.That(answers[0], Does.StartWith("[{"), query);
        }
    }
}
