using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Writing;

public sealed class DicomUidTests
{
    [Test]
    public void FromGuid_ImplementationUuid_IsTheImplementationClassUid() =>
        Assert.That(DicomUid.FromGuid(Guid.Parse("192fdb0e-7e85-4fb0-a827-d7423e575cf7")), Is.EqualTo(DicomPart10Writer.ImplementationClassUid));

    [Test]
    public void FromGuid_SmallUuid_HasNoLeadingZeros() =>
        Assert.That(DicomUid.FromGuid(Guid.Parse("00000000-0000-0000-0000-00000000000a")), Is.EqualTo("2.25.10"));

    [Test]
    public void Generate_ManyTimes_ValidAndDistinct()
    {
        var uids = Enumerable.Range(0, 1000).Select(_ => DicomUid.Generate()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(uids.Distinct().Count(), Is.EqualTo(uids.Count));
            Assert.That(uids, Has.All.Match(@"^2\.25\.[1-9][0-9]{0,38}$"));
            Assert.That(uids.Max(u => u.Length), Is.LessThanOrEqualTo(64));
        });
    }
}
