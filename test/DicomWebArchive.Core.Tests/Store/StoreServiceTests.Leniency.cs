using System.Security.Cryptography;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Store;

/// <summary>
/// What real modalities get wrong and the archive stores anyway: a meta group of another instance or none at all (the
/// stored copy gets a corrected one, written as a second blob), UID components with leading zeros (stored as sent).
/// </summary>
public sealed partial class StoreServiceTests
{
    private static readonly DicomReaderOptions ReadAll = new() { PixelData = PixelDataHandling.Scan, AllowMissingMeta = false };

    private static byte[] MismatchedMeta(string sop, int pixelBytes = 0)
    {
        var dicom = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop, metaSop: sop + ".99");
        return pixelBytes == 0 ? dicom.ToArray() : dicom.AddImage(4, 4, pixelBytes / 32).ToArrayWithPixelData(pixelBytes, seed: 7);
    }

    /// <summary>The data set alone: what a gateway sends when it forwards a data set without its Part 10 header.</summary>
    private static async Task<byte[]> BareDataset(byte[] part10)
    {
        var file = await DicomReader.ReadAsync(new MemoryStream(part10));
        return part10[(int)file.DatasetOffset..];
    }

    [Test]
    public async Task StoreAsync_MetaOfAnotherInstance_StoredUnderTheDataSetUidWithB000AndCorrectedCopy()
    {
        string sop = TestDicom.NewUid();
        var sent = MismatchedMeta(sop);

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That((outcome.IsStored, outcome.SopInstanceUid, outcome.WarningReason), Is.EqualTo((true, sop, StoreWarningReason.CoercionOfDataElements)), outcome.Message);
        Assert.That(outcome.Message, Does.Contain("Media Storage SOP Instance UID (0002,0003) differs from SOP Instance UID (0008,0018)"));
        var record = _index.Instances[sop].Record;
        Assert.That(_blobs.Committed.Keys, Is.EqualTo(new[] { record.BlobKey }), "only the corrected copy remains");
        Assert.That(_blobs.Deleted, Has.Count.EqualTo(1), "the received blob is removed");
        Assert.That(_blobs.OpenWriters, Is.Zero);
        var stored = _blobs.Committed[record.BlobKey];
        Assert.That((record.Size, record.Sha256), Is.EqualTo(((long)stored.Length, SHA256.HashData(stored))), "size and hash are the stored copy's");
        var file = await DicomReader.ReadAsync(new MemoryStream(stored), ReadAll);
        Assert.That(file.Meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID), Is.EqualTo(sop));
        Assert.That(stored[(int)file.DatasetOffset..], Is.EqualTo(await BareDataset(sent)), "the data set is stored as sent");
    }

    [Test]
    public async Task StoreAsync_SameMismatchedFileAgain_AlreadyStoredWithTheSameWarning()
    {
        string sop = TestDicom.NewUid();
        var sent = MismatchedMeta(sop);
        await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        var again = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That((again.IsStored, again.WasAlreadyStored, again.WarningReason), Is.EqualTo((true, true, StoreWarningReason.CoercionOfDataElements)), again.Message);
        Assert.That(_blobs.Committed, Has.Count.EqualTo(1), "one stored copy");
    }

    [Test]
    public async Task StoreAsync_MismatchedMetaWithPixelData_FrameTablePointsIntoTheCopy()
    {
        string sop = TestDicom.NewUid();
        var sent = MismatchedMeta(sop, pixelBytes: 4 * 4 * 2 * 3);
        var original = await DicomReader.ReadAsync(new MemoryStream(sent), ReadAll);

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That(outcome.IsStored, Is.True, outcome.Message);
        var record = _index.Instances[sop].Record;
        var stored = _blobs.Committed[record.BlobKey];
        var frames = FrameTable.Decode(record.FrameTable);
        Assert.That(frames.Count, Is.EqualTo(3));
        for (int i = 0; i < frames.Count; i++)
        {
            var (expected, actual) = (original.PixelData!.Frames[i].Single(), frames[i].Single());
            Assert.That(stored.AsSpan((int)actual.Offset, (int)actual.Length).ToArray(), Is.EqualTo(sent.AsSpan((int)expected.Offset, (int)expected.Length).ToArray()), $"frame {i + 1}");
        }
        Assert.That(record.PixelDataOffset, Is.EqualTo(frames[0][0].Offset));
    }

    [Test]
    public async Task StoreAsync_BareDataSet_StoredWithAMetaGroupWrittenForItAndB000()
    {
        string sop = TestDicom.NewUid();
        var sent = await BareDataset(new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop).ToArray());

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That((outcome.IsStored, outcome.WarningReason), Is.EqualTo((true, StoreWarningReason.CoercionOfDataElements)), outcome.Message);
        Assert.That(outcome.Message, Does.Contain("no File Meta Information").And.Contain("Explicit VR Little Endian"));
        var stored = _blobs.Committed[_index.Instances[sop].Record.BlobKey];
        var file = await DicomReader.ReadAsync(new MemoryStream(stored), ReadAll);
        Assert.That((file.Meta.GetAsciiString(DicomTags.MediaStorageSOPInstanceUID), file.Meta.GetAsciiString(DicomTags.TransferSyntaxUID)),
            Is.EqualTo((sop, TransferSyntax.ExplicitVRLittleEndian.Uid)));
        Assert.That(stored[(int)file.DatasetOffset..], Is.EqualTo(sent));
    }

    [Test]
    public async Task StoreAsync_MismatchedMetaAndFsyncFails_OutOfResourcesNothingLeft()
    {
        _blobs.FailCommit = true;

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(MismatchedMeta(TestDicom.NewUid())), null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.OutOfResources));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _index.Instances.Count), Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task StoreAsync_MismatchedMetaAndIndexRollsBack_BothBlobsGone()
    {
        _index.Fault = IndexFault.RolledBack;

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(MismatchedMeta(TestDicom.NewUid())), null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.ProcessingFailure));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters, _blobs.Deleted.Count), Is.EqualTo((0, 0, 2)));
    }

    [Test]
    public async Task StoreAsync_LeadingZerosInUids_StoredAsSentWithB007()
    {
        string study = "1.2.246.352.91.0000217.2005", sop = "1.2.246.352.91.0000217.2005.1.01";
        var sent = new TestDicom(study, study + ".1", sop).ToArray();

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That((outcome.IsStored, outcome.WarningReason), Is.EqualTo((true, StoreWarningReason.DataSetDoesNotMatchSopClass)), outcome.Message);
        Assert.That(outcome.Message, Does.Contain("SOP Instance UID (0008,0018) has a component with a leading zero")
            .And.Contain("Study Instance UID (0020,000D)").And.Contain("Series Instance UID (0020,000E)"));
        var record = _index.Instances[sop].Record;
        sent.AsSpan(0, 128).Clear();
        Assert.That(_blobs.Committed[record.BlobKey], Is.EqualTo(sent), "nothing is changed");
        Assert.That(record.StudyInstanceUid, Is.EqualTo(study));
    }

    [Test]
    public async Task StoreAsync_LeadingZerosAndMismatchedMeta_B000NamingBoth()
    {
        string sop = "1.2.246.352.91.0000217.3";
        var sent = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop, metaSop: "1.2.3").ToArray();

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That(outcome.WarningReason, Is.EqualTo(StoreWarningReason.CoercionOfDataElements), "the stored bytes differ: that is the news");
        Assert.That(outcome.Message, Does.Contain("(0002,0003)").And.Contain("leading zero"));
    }

    [TestCase("1.2.3a", "has characters other than digits and dots.")]
    [TestCase("1..2", "has an empty component")]
    [TestCase("", "is empty.")]
    public async Task StoreAsync_SopInstanceUidNotAKey_A900NamingTheAttributeAndProblem(string sop, string problem)
    {
        var sent = new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), sop).ToArray();

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.DataSetDoesNotMatchSopClass));
        Assert.That(outcome.Message, Does.StartWith("SOP Instance UID (0008,0018) " + problem));
        Assert.That((_blobs.Committed.Count, _blobs.OpenWriters), Is.EqualTo((0, 0)));
    }

    [Test]
    public async Task StoreAsync_SeventyCharacterStudyUid_A900SaysTooLongWithoutTheValue()
    {
        string study = "1." + new string('3', 68);
        var sent = new TestDicom(study, TestDicom.NewUid(), TestDicom.NewUid()).ToArray();

        var outcome = await _store.StoreAsync(Caller, new MemoryStream(sent), null, CancellationToken.None);

        Assert.That(outcome.FailureReason, Is.EqualTo(StoreFailureReason.DataSetDoesNotMatchSopClass));
        Assert.That(outcome.Message, Is.EqualTo("Study Instance UID (0020,000D) is longer than the 64 characters a UID may have."));
    }
}
