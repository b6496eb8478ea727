using DicomWebArchive.Core;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Tiers;

namespace DicomWebArchive.Storage.Tests.Tiers;

/// <summary>
/// The lifecycle policy with the clock moved by hundreds of days: it moves exactly the studies its rules call for
/// (by days without access, by modality), and a cool study that is opened again goes back to hot.
/// </summary>
[TestFixtureSource(typeof(BlobProviders), nameof(BlobProviders.WithLocalIndexes))]
public sealed class LifecycleTests(string indexProvider, string blobProvider)
{
    [Test]
    public async Task Run_StudiesOfDifferentAgesAndModalities_MovesExactlyThoseDue()
    {
        await using var archive = await TierArchive.StartAsync(indexProvider, blobProvider,
            ("Storage:Lifecycle:CoolAfterDays", "30"),
            ("Storage:Lifecycle:ColdAfterDays", "180"),
            ("Storage:Lifecycle:ArchiveAfterDays", "365"),
            ("Storage:Lifecycle:Modalities:MG:ArchiveAfterDays", "3650"));
        var time = archive.Time;
        var start = time.GetUtcNow();

        var (untouched, _) = await archive.StoreStudyAsync(1, 2, "CT");
        var (openedAtDay200, _) = await archive.StoreStudyAsync(1, 2, "CT");
        var (mammography, _) = await archive.StoreStudyAsync(1, 2, "MG");
        var (openedAtDay350, _) = await archive.StoreStudyAsync(1, 2, "MR");
        time.Set(start.AddDays(200));
        await OpenAsync(archive, openedAtDay200);
        time.Set(start.AddDays(350));
        await OpenAsync(archive, openedAtDay350);
        time.Set(start.AddDays(390));
        var (recent, _) = await archive.StoreStudyAsync(1, 2, "CT");
        time.Set(start.AddDays(400));

        var moves = await archive.Service<LifecyclePolicy>().RunAsync(CancellationToken.None);
        await archive.Service<TierMover>().RunPendingAsync(CancellationToken.None);

        Assert.That(moves.Select(m => (m.StudyInstanceUid, m.Target, m.Reason)), Is.EquivalentTo(new[]
        {
            (untouched, BlobTier.Archive, TierMoveReason.Lifecycle),      // 400 days idle
            (openedAtDay200, BlobTier.Cold, TierMoveReason.Lifecycle),    // 200 days since opened
            (mammography, BlobTier.Cold, TierMoveReason.Lifecycle),       // 400 days, but MG archives after 3650
            (openedAtDay350, BlobTier.Cool, TierMoveReason.Lifecycle),    // 50 days since opened
        }), "the recent study stays hot");
        var tiers = archive.Service<TierService>();
        foreach (var (study, tier) in new[] { (untouched, BlobTier.Archive), (openedAtDay200, BlobTier.Cold), (mammography, BlobTier.Cold), (openedAtDay350, BlobTier.Cool), (recent, BlobTier.Hot) })
        {
            Assert.That((await tiers.GetStudyAsync(study, CancellationToken.None))!.Tier, Is.EqualTo(tier), study);
        }
        Assert.That(await archive.Service<LifecyclePolicy>().RunAsync(CancellationToken.None), Is.Empty, "a second run finds nothing more to do");

        // Opened again: the cool study is promoted back to hot.
        time.Set(start.AddDays(401));
        await OpenAsync(archive, openedAtDay350);
        var promotion = (await tiers.GetStudyAsync(openedAtDay350, CancellationToken.None))!.PendingMove;
        Assert.That((promotion?.Target, promotion?.Reason), Is.EqualTo(((BlobTier?)BlobTier.Hot, TierMoveReason.Access)));
        await archive.Service<TierMover>().RunPendingAsync(CancellationToken.None);
        var promoted = await tiers.GetStudyAsync(openedAtDay350, CancellationToken.None);
        Assert.That(promoted!.Tier, Is.EqualTo(BlobTier.Hot));
        Assert.That(promoted.LastAccess, Is.EqualTo(start.AddDays(401)));
    }

    [Test]
    public async Task Run_NoDaysConfigured_MovesNothing()
    {
        await using var archive = await TierArchive.StartAsync(indexProvider, blobProvider);
        await archive.StoreStudyAsync(1, 1);
        archive.Time.Advance(TimeSpan.FromDays(5000));

        Assert.That(await archive.Service<LifecyclePolicy>().RunAsync(CancellationToken.None), Is.Empty);
    }

    /// <summary>A viewer opening the study: its metadata, then its instances.</summary>
    private static async Task OpenAsync(TierArchive archive, string study)
    {
        Assert.That(await archive.Service<MetadataService>().GetVersionAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None), Is.Not.Null);
        Assert.That(await archive.Service<RetrieveService>().FindAsync(ArchiveCaller.System, new InstanceScope(study), CancellationToken.None), Is.Not.Empty);
    }
}
