using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Tiers;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Storage.Tests.Tiers;

/// <summary>
/// Studies moved between tiers through the Core services, on each blob store and index: retrieved byte-identical from
/// cool and cold; archived, they answer NEARLINE and refuse pixel data while rehydration starts, keep metadata and
/// thumbnails, and come back byte-identical; the report adds up the stored sizes per tier.
/// </summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.WithLocalIndexes))]
public sealed class TierTests(string indexProvider, string blobProvider)
{
    private TierArchive _archive = null!;

    [OneTimeSetUp]
    public async Task Start() => _archive = await TierArchive.StartAsync(indexProvider, blobProvider, ("Storage:Lifecycle:Enabled", "false"));

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_archive is not null)
        {
            await _archive.DisposeAsync();
        }
    }

    private T Service<T>() where T : notnull => _archive.Service<T>();

    private async Task<Dictionary<string, byte[]>> RetrieveAsync(string study)
    {
        var retrieve = Service<RetrieveService>();
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var instance in await retrieve.FindAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None))
        {
            using var output = new MemoryStream();
            await retrieve.WriteAsync(instance, TransferSyntax.Lookup(instance.TransferSyntaxUid), output, CancellationToken.None);
            result[instance.SopInstanceUid] = output.ToArray();
        }
        return result;
    }

    /// <summary>Where the blob store says each blob of the study is.</summary>
    private async Task<Dictionary<string, BlobTier?>> StoreTiersAsync(string study)
    {
        var store = Service<IBlobStore>();
        var result = new Dictionary<string, BlobTier?>(StringComparer.Ordinal);
        foreach (var blob in await Service<ITierIndex>().ListStudyBlobsAsync(study, CancellationToken.None))
        {
            result[blob.SopInstanceUid] = await store.GetTierAsync(blob.BlobKey, CancellationToken.None);
        }
        return result;
    }

    private async Task<List<string>> AvailabilityAsync(string study, QueryLevel level)
    {
        var query = new SearchQuery { Level = level, Limit = 100, StudyInstanceUid = level == QueryLevel.Study ? null : study,
            Matches = level == QueryLevel.Study ? [new SingleValueMatch(QueryAttributes.StudyInstanceUid, study)] : [] };
        var result = await Service<SearchService>().SearchAsync(ArchiveCaller.System, query, CancellationToken.None);
        return [.. result.Rows.Select(r => r.InstanceAvailability)];
    }

    [Test]
    public async Task ChangeTier_CoolThenCold_RetrievedByteIdentical()
    {
        var (study, stored) = await _archive.StoreStudyAsync(series: 2, instances: 3);
        var tiers = Service<TierService>();

        foreach (var tier in new[] { BlobTier.Cool, BlobTier.Cold })
        {
            var change = await tiers.ChangeTierAsync(ArchiveCaller.System, study, tier, CancellationToken.None);

            Assert.That(change!.Completed, Is.True, $"a move to {tier} is done when it returns");
            var storage = await tiers.GetStudyAsync(study, CancellationToken.None);
            Assert.That(storage!.Tier, Is.EqualTo(tier));
            Assert.That(storage.Usage, Is.EqualTo(new[] { new TierUsage(tier, 6, stored.Values.Sum(b => (long)b.Length)) }));
            Assert.That((await StoreTiersAsync(study)).Values, Is.All.EqualTo(tier), "the blob store holds every blob in the tier");
            Assert.That(await RetrieveAsync(study), Is.EqualTo(stored), $"retrieved byte-identical from {tier}");
            Assert.That(await AvailabilityAsync(study, QueryLevel.Study), Is.EqualTo(new[] { "ONLINE" }));
        }
    }

    [Test]
    public async Task ChangeTier_Archive_NearlineAndOfflineUntilRehydratedThenByteIdentical()
    {
        var (study, stored) = await _archive.StoreStudyAsync(series: 2, instances: 3, seed: 7);
        var tiers = Service<TierService>();
        var mover = Service<TierMover>();

        var change = await tiers.ChangeTierAsync(ArchiveCaller.System, study, BlobTier.Archive, CancellationToken.None);
        Assert.That((change!.Completed, change.Move.Target, change.Move.Status), Is.EqualTo((false, BlobTier.Archive, TierMoveStatus.Pending)), "archiving is an operation");
        Assert.That(await mover.RunPendingAsync(CancellationToken.None), Is.EqualTo(1));

        var storage = await tiers.GetStudyAsync(study, CancellationToken.None);
        var representatives = TierMover.Representatives(await Service<ITierIndex>().ListStudyBlobsAsync(study, CancellationToken.None));
        Assert.That(storage!.Tier, Is.EqualTo(BlobTier.Archive));
        Assert.That(representatives, Has.Count.EqualTo(2), "one representative instance per series");
        var inStore = await StoreTiersAsync(study);
        Assert.That(inStore.Where(t => !representatives.Contains(t.Key)).Select(t => t.Value), Is.All.EqualTo(BlobTier.Archive));
        Assert.That(inStore.Where(t => representatives.Contains(t.Key)).Select(t => t.Value), Is.All.EqualTo(TierMover.ThumbnailTier), "thumbnails stay online");
        foreach (var level in new[] { QueryLevel.Study, QueryLevel.Series, QueryLevel.Instance })
        {
            Assert.That(await AvailabilityAsync(study, level), Is.Not.Empty.And.All.EqualTo("NEARLINE"), level.ToString());
        }

        // Pixel data is refused, and asking starts the rehydration of the whole study.
        var offline = Assert.ThrowsAsync<StudyOfflineException>(() => Service<RetrieveService>().FindAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None));
        Assert.That(offline!.RetryAfter, Is.GreaterThan(TimeSpan.Zero));
        var archivedSop = stored.Keys.First(k => !representatives.Contains(k));
        var blob = (await Service<ITierIndex>().ListStudyBlobsAsync(study, CancellationToken.None)).Single(b => b.SopInstanceUid == archivedSop);
        Assert.ThrowsAsync<StudyOfflineException>(() => Service<RetrieveService>().FindPixelsAsync(ArchiveCaller.System, new InstanceScope(study, blob.SeriesInstanceUid, archivedSop), CancellationToken.None));
        var rehydration = await tiers.GetMoveAsync(offline.OperationId!.Value, CancellationToken.None);
        Assert.That((rehydration!.Target, rehydration.Reason, rehydration.Status), Is.EqualTo((BlobTier.Hot, TierMoveReason.Rehydration, TierMoveStatus.Pending)));

        // Metadata and thumbnails keep working meanwhile; until the rehydration has run, the study stays NEARLINE.
        Assert.That(await Service<MetadataService>().GetVersionAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None), Is.Not.Null);
        Assert.That(await Service<MetadataService>().FindAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None), Has.Count.EqualTo(6));
        Assert.That(await Service<RenderService>().RenderThumbnailAsync(ArchiveCaller.System, new InstanceScope(study), new RenderOptions(), CancellationToken.None), Is.Not.Null);
        foreach (var series in (await Service<ITierIndex>().ListStudyBlobsAsync(study, CancellationToken.None)).Select(b => b.SeriesInstanceUid).Distinct())
        {
            var thumbnail = await Service<RenderService>().RenderThumbnailAsync(ArchiveCaller.System, new InstanceScope(study, series), new RenderOptions(), CancellationToken.None);
            Assert.That(thumbnail!.Content, Is.Not.Empty);
        }
        Assert.That(await AvailabilityAsync(study, QueryLevel.Study), Is.EqualTo(new[] { "NEARLINE" }));

        Assert.That(await mover.RunPendingAsync(CancellationToken.None), Is.EqualTo(1));

        Assert.That((await tiers.GetStudyAsync(study, CancellationToken.None))!.Tier, Is.EqualTo(BlobTier.Hot));
        Assert.That((await tiers.GetMoveAsync(rehydration.Id, CancellationToken.None))!.Status, Is.EqualTo(TierMoveStatus.Done));
        Assert.That((await StoreTiersAsync(study)).Values, Is.All.EqualTo(BlobTier.Hot));
        Assert.That(await AvailabilityAsync(study, QueryLevel.Instance), Is.All.EqualTo("ONLINE"));
        Assert.That(await RetrieveAsync(study), Is.EqualTo(stored), "rehydrated byte-identical");
    }

    [Test]
    public async Task ChangeTier_UnknownStudy_Null() =>
        Assert.That(await Service<TierService>().ChangeTierAsync(ArchiveCaller.System, TestDicom.NewUid(), BlobTier.Cool, CancellationToken.None), Is.Null);

    [Test]
    public async Task GetReport_AfterMoves_EqualsStoredSizesPerTierInTheBlobStore()
    {
        var (cool, _) = await _archive.StoreStudyAsync(series: 1, instances: 2, seed: 11);
        var (archived, _) = await _archive.StoreStudyAsync(series: 1, instances: 3, seed: 12);
        var tiers = Service<TierService>();
        await tiers.ChangeTierAsync(ArchiveCaller.System, cool, BlobTier.Cool, CancellationToken.None);
        await tiers.ChangeTierAsync(ArchiveCaller.System, archived, BlobTier.Archive, CancellationToken.None);
        await Service<TierMover>().RunPendingAsync(CancellationToken.None);

        var report = await tiers.GetReportAsync(CancellationToken.None);

        // Every study of the fixture: the sizes of the instances as stored (read back where online), by the tier the blob store reports.
        var expected = new Dictionary<BlobTier, (long Instances, long Bytes)>();
        var store = Service<IBlobStore>();
        var query = new SearchQuery { Level = QueryLevel.Study, Limit = 1000 };
        foreach (var row in (await Service<SearchService>().SearchAsync(ArchiveCaller.System, query, CancellationToken.None)).Rows)
        {
            foreach (var blob in await Service<ITierIndex>().ListStudyBlobsAsync((string)row.Columns["StudyInstanceUID"]!, CancellationToken.None))
            {
                var tier = (await store.GetTierAsync(blob.BlobKey, CancellationToken.None))!.Value;
                long size = blob.Size;
                if (tier.IsOnline())
                {
                    await using var stream = await store.OpenReadAsync(blob.BlobKey, CancellationToken.None);
                    using var copy = new MemoryStream();
                    await stream!.CopyToAsync(copy);
                    size = copy.Length;
                }
                var (instances, bytes) = expected.GetValueOrDefault(tier);
                expected[tier] = (instances + 1, bytes + size);
            }
        }
        foreach (var line in report.Tiers)
        {
            var (instances, bytes) = expected.GetValueOrDefault(line.Tier);
            Assert.That((line.Instances, line.Bytes), Is.EqualTo((instances, bytes)), line.Tier.ToString());
            Assert.That(line.MonthlyCost, Is.EqualTo(decimal.Round(bytes / 1_000_000_000m * line.PricePerGbMonth, 4)));
        }
        Assert.That(report.Bytes, Is.EqualTo(expected.Values.Sum(v => v.Bytes)));
        Assert.That(report.Tiers.Single(t => t.Tier == BlobTier.Archive).Instances, Is.GreaterThanOrEqualTo(2));
    }
}
