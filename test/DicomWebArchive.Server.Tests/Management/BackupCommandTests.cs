using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Management;

/// <summary>
/// The backup and restore commands of the built server, on each index database: a backup taken while uploads continue
/// restores onto empty storage as a consistent archive whose instances are byte-identical; a restore never lands on
/// storage that holds something.
/// </summary>
[TestFixtureSource(typeof(IndexProviders), nameof(IndexProviders.All))]
public sealed partial class BackupCommandTests(string provider)
{
    [Test]
    public async Task Backup_DuringUploads_RestoresToAConsistentArchiveWithByteIdenticalInstances()
    {
        await using var original = await ManagementArchive.StartAsync(provider);
        await original.StoreAsync(TestDicom.NewUid(), "P0", ("CT", 4));
        var acknowledged = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var uploads = Task.Run(async () =>
        {
            for (int batch = 0; !stop.IsCancellationRequested; batch++)
            {
                foreach (var (_, sop, _) in await original.StoreAsync(TestDicom.NewUid(), "P" + batch, ("MR", 3)))
                {
                    acknowledged.Enqueue(sop);
                }
            }
        });
        while (acknowledged.Count < 6)
        {
            await Task.Delay(50);
        }
        using var backup = new TempDirectory("dwa-backup-");
        string[] originalStorage = [$"--Storage:DataDirectory={original.Factory.DataDirectory}", .. original.Index.Arguments];

        var storedBeforeBackup = original.Factory.Archive.Instances().Select(i => i.SopInstanceUid).ToList();
        int acknowledgedBeforeBackup = acknowledged.Count;
        var (backupCode, backupOutput) = await ServerProcess.RunCommandAsync(["backup", "--out", backup.Path, .. originalStorage]);
        int acknowledgedDuringBackup = acknowledged.Count;
        await stop.CancelAsync();
        await uploads;
        var (againCode, againOutput) = await ServerProcess.RunCommandAsync(["backup", "--out", backup.Path, .. originalStorage]);

        Assert.That(backupCode, Is.Zero, backupOutput);
        Assert.That(acknowledgedDuringBackup, Is.GreaterThan(acknowledgedBeforeBackup), "uploads went on during the backup");
        Assert.That(againCode, Is.Zero, againOutput);
        Assert.That(long.Parse(AlreadyThere().Match(againOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            Is.GreaterThanOrEqualTo(storedBeforeBackup.Count), "a second backup into the same directory copies only new blobs");

        using var target = new TempDirectory("dwa-restore-");
        string data = target.Combine("data");
        var restoredIndex = await TestIndexDatabase.CreateAsync(provider);
        string[] restoredStorage = [$"--Storage:DataDirectory={data}", .. restoredIndex.Arguments];
        var (restoreCode, restoreOutput) = await ServerProcess.RunCommandAsync(["restore", "--from", backup.Path, .. restoredStorage]);
        var (twiceCode, twiceOutput) = await ServerProcess.RunCommandAsync(["restore", "--from", backup.Path, .. restoredStorage]);
        await using var restored = ManagementArchive.Open(restoredIndex, data);

        Assert.That(restoreCode, Is.Zero, restoreOutput);
        Assert.That(twiceCode, Is.EqualTo(1), "a restore onto storage that holds something refuses");
        Assert.That(twiceOutput, Does.Contain("not empty"));
        var instances = new ArchiveInspector(data, restoredIndex).Instances();
        var sops = instances.Select(i => i.SopInstanceUid).ToList();
        Assert.That(sops, Is.SupersetOf(storedBeforeBackup), "everything stored before the backup began is restored");
        Assert.That(sops, Is.SubsetOf(storedBeforeBackup.Concat(acknowledged)), "nothing that was not stored");
        foreach (var instance in instances)
        {
            string path = $"/dicomweb/studies/{instance.StudyInstanceUid}/series/{instance.SeriesInstanceUid}/instances/{instance.SopInstanceUid}?accept=application/dicom;transfer-syntax=*";
            Assert.That(await restored.Client.GetByteArrayAsync(path), Is.EqualTo(await original.Client.GetByteArrayAsync(path)), instance.SopInstanceUid);
        }
        restored.Factory.Archive.AssertAggregatesMatchRows();
        using var verify = await restored.Client.PostAsync("/api/storage/verify", null);
        Assert.That(verify.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var report = (await restored.WaitForAsync(verify.Headers.Location!.ToString())).GetProperty("report");
        Assert.That((report.GetProperty("instancesChecked").GetInt64(), report.GetProperty("missingCount").GetInt64(), report.GetProperty("corruptCount").GetInt64()),
            Is.EqualTo(((long)instances.Count, 0L, 0L)), "every restored instance has its whole blob");
    }

    [Test]
    public async Task Restore_NoBackupOrNoDirectory_Refused()
    {
        using var empty = new TempDirectory("dwa-backup-");
        await using var index = await TestIndexDatabase.CreateAsync(provider);
        using var target = new TempDirectory("dwa-restore-");

        var (noBackup, noBackupOutput) = await ServerProcess.RunCommandAsync(["restore", "--from", empty.Path, $"--Storage:DataDirectory={target.Combine("data")}", .. index.Arguments]);
        var (noDirectory, noDirectoryOutput) = await ServerProcess.RunCommandAsync(["restore", $"--Storage:DataDirectory={target.Combine("data")}", .. index.Arguments]);

        Assert.That(noBackup, Is.EqualTo(1), noBackupOutput);
        Assert.That(noBackupOutput, Does.Contain("is not a backup"));
        Assert.That(noDirectory, Is.EqualTo(2), noDirectoryOutput);
        Assert.That(Directory.Exists(target.Combine("data")), Is.False, "nothing written");
    }

    [GeneratedRegex(@"(\d+) already there")]
    private static partial Regex AlreadyThere();
}
