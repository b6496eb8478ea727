using DicomWebArchive.Core.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core.Tests.Store;

/// <summary>
/// The data-safety contract of the store service, step by step, with a blob store and an index that fail where real ones
/// can: an instance is either stored whole (blob committed and referenced) or not at all, and no blob is deleted that the
/// index may reference.
/// </summary>
public sealed partial class StoreServiceTests
{
    private static readonly ArchiveCaller Caller = new() { Subject = "modality-gateway", CorrelationId = "c-1", ClientAddress = "10.0.0.7" };

    private FaultyBlobStore _blobs = null!;
    private FaultyIndex _index = null!;
    private StoreService _store = null!;

    [SetUp]
    public void SetUp()
    {
        _blobs = new FaultyBlobStore();
        _index = new FaultyIndex();
        _store = Service(DuplicatePolicy.Reject);
    }

    private StoreService Service(DuplicatePolicy duplicates, string? accessAttribute = null) =>
        new(_blobs, _index, Options.Create(new StoreOptions { Duplicates = duplicates }),
            Options.Create(new StudyAccessOptions { Attribute = accessAttribute, Claim = accessAttribute is null ? null : "claim" }), NullLogger<StoreService>.Instance);

    private static (MemoryStream Part, string Sop) Instance(string? sop = null, string patient = "Test^Patient")
    {
        sop ??= TestDicom.NewUid();
        return (new MemoryStream(new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop, patientName: patient).ToArray()), sop);
    }

    [Test]
    public async Task StoreAsync_ValidInstance_BlobCommittedAndIndexedForTheCaller()
    {
        var (part, sop) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.IsStored, Is.True, outcome.Message);
        var (record, caller) = _index.Instances[sop];
        Assert.That(caller, Is.SameAs(Caller), "the index records who stored it");
        Assert.That(_blobs.Committed.Keys, Is.EqualTo(new[] { record.BlobKey }));
        Assert.That(_blobs.Committed[record.BlobKey].AsSpan(0, 128).ToArray(), Is.All.Zero, "the preamble is zeroed");
        Assert.That(_blobs.OpenWriters, Is.Zero);
    }

    [TestCase(null, null)]
    [TestCase("PatientID", "PID-1")]
    [TestCase("InstitutionName", null)]
    public async Task StoreAsync_AccessAttribute_ItsValueIsTheStudysAccessKey(string? attribute, string? expected)
    {
        _store = Service(DuplicatePolicy.Reject, attribute);
        var (part, sop) = Instance();

        await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(_index.Instances[sop].Record.AccessKey, Is.EqualTo(expected));
    }

    [Test]
    public async Task StoreAsync_BlobStoreCannotCreate_OutOfResourcesAndPartDrained()
    {
        _blobs.FailCreate = true;
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.OutOfResources));
        Assert.That(part.Position, Is.EqualTo(part.Length), "the rest of the part is read so the next one can be");
        Assert.That(_index.Instances, Is.Empty);
    }

    [Test]
    public async Task StoreAsync_DiskFullWhileWriting_OutOfResourcesNamingTheInstanceNothingLeft()
    {
        _blobs.FailWriteAfter = 200;
        var (part, sop) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.OutOfResources));
        Assert.That(outcome.SopInstanceUid, Is.EqualTo(sop), "the rest of the part is parsed, not stored: the response names the instance");
        Assert.That(part.Position, Is.EqualTo(part.Length), "the rest of the part is read so the next one can be");
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task StoreAsync_FsyncFails_OutOfResourcesNotIndexed()
    {
        _blobs.FailCommit = true;
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.OutOfResources));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task StoreAsync_IndexRollsBack_ProcessingFailureAndBlobDeleted()
    {
        _index.Fault = IndexFault.RolledBack;
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.ProcessingFailure));
        Assert.That(_blobs.Committed, Is.Empty);
        Assert.That(_blobs.Deleted, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task StoreAsync_CommitLostAfterItHappened_StoredAndBlobKept()
    {
        _index.Fault = IndexFault.CommittedThenLost;
        var (part, sop) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.IsStored, Is.True, "the index references the instance, so it is stored");
        Assert.That(_blobs.Committed.Keys, Is.EqualTo(new[] { _index.Instances[sop].Record.BlobKey }), "a referenced blob is never deleted");
        Assert.That(_blobs.Deleted, Is.Empty);
    }

    [Test]
    public async Task StoreAsync_CommitFailsAndIndexUnreachable_FailureAndBlobLeftToTheSweeper()
    {
        _index.Fault = IndexFault.CommittedThenLost;
        _index.FailReferenceCheck = true;
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.ProcessingFailure), "the client retries; identical bytes are idempotent");
        Assert.That(_blobs.Committed, Has.Count.EqualTo(1), "whether the index references it is unknown: the sweeper decides later");
        Assert.That(_blobs.Deleted, Is.Empty);
    }

    [Test]
    public async Task StoreAsync_SameBytesAgain_StoredOnceAndSecondBlobDeleted()
    {
        var bytes = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray();
        await _store.StoreAsync(Caller, new MemoryStream(bytes), null, CancellationToken.None);

        var again = await _store.StoreAsync(Caller, new MemoryStream(bytes), null, CancellationToken.None);

        Assert.That((again.IsStored, again.WasAlreadyStored), Is.EqualTo((true, true)));
        Assert.That(_blobs.Committed, Has.Count.EqualTo(1));
        Assert.That(_blobs.Deleted, Has.Count.EqualTo(1));
    }

    [TestCase(DuplicatePolicy.Reject)]
    [TestCase(DuplicatePolicy.Overwrite)]
    public async Task StoreAsync_SameSopOtherBytes_PolicyDecidesAndOneBlobRemains(DuplicatePolicy policy)
    {
        _store = Service(policy);
        string sop = TestDicom.NewUid();
        await _store.StoreAsync(Caller, Instance(sop, "First^Name").Part, null, CancellationToken.None);
        string firstKey = _index.Instances[sop].Record.BlobKey;

        var second = await _store.StoreAsync(Caller, Instance(sop, "Second^Name").Part, null, CancellationToken.None);

        Assert.That(second.FailureReason, Is.EqualTo(policy == DuplicatePolicy.Reject ? StoreFailureReason.DuplicateSopInstance : null));
        Assert.That(_blobs.Committed.Keys, Is.EqualTo(new[] { _index.Instances[sop].Record.BlobKey }), "exactly the referenced blob remains");
        Assert.That(_index.Instances[sop].Record.BlobKey == firstKey, Is.EqualTo(policy == DuplicatePolicy.Reject));
    }

    [Test]
    public async Task StoreAsync_NotDicom_CannotUnderstandNothingCommitted()
    {
        var outcome = await _store.StoreAsync(Caller, new MemoryStream(new byte[4096]), null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.CannotUnderstand));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task StoreAsync_OtherStudyThanRequired_MismatchNothingCommitted()
    {
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, "1.2.3.4", CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.StudyInstanceUidMismatch));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task ReceiveAsync_DisposedWithoutCompleting_NothingLeft()
    {
        var (part, _) = Instance();

        await using (var received = await _store.ReceiveAsync(Caller, part, null, CancellationToken.None))
        {
            Assert.That(received.Failure, Is.Null);
        }

        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public void StoreAsync_CancelledBeforeIndexing_ThrowsAndBlobDeleted()
    {
        var (part, _) = Instance();
        using var cancelled = new CancellationTokenSource();
        _index.Fault = IndexFault.None;

        Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            await using var received = await _store.ReceiveAsync(Caller, part, null, CancellationToken.None);
            await cancelled.CancelAsync();
            await received.CompleteAsync(cancelled.Token);
        });

        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task StoreAsync_DeleteOfRefusedBlobFails_OutcomeStandsBlobLeftToTheSweeper()
    {
        _index.Fault = IndexFault.RolledBack;
        _blobs.FailDelete = true;
        var (part, _) = Instance();

        var outcome = await _store.StoreAsync(Caller, part, null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.ProcessingFailure));
        Assert.That(_blobs.Committed, Has.Count.EqualTo(1), "an orphan the sweeper removes later");
    }
}
