using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Retrieve;

public sealed class BulkDataPathTests
{
    [TestCase("7FE00010")]
    [TestCase("00540016/0/00181074")]
    [TestCase("00400275/12/0040A730/3/00420011")]
    public void TryParse_PathTheMetadataWrites_RoundTrips(string text)
    {
        Assert.That(BulkDataPath.TryParse(text, out var path), Is.True);
        Assert.That(path.ToString(), Is.EqualTo(text));
    }

    [TestCase("")]
    [TestCase("7FE0001")]
    [TestCase("7FE00010/0")]
    [TestCase("00540016/x/00181074")]
    [TestCase("00540016/-1/00181074")]
    [TestCase("GGGGGGGG")]
    [TestCase("00540016//00181074")]
    [TestCase("../../etc/passwd")]
    public void TryParse_Malformed_False(string text)
    {
        Assert.That(BulkDataPath.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Find_ThroughSequenceItem_Element()
    {
        var leaf = new DicomElement(new DicomTag(0x00181074), DicomVR.DS, "100"u8.ToArray(), 0, 3);
        var item = new DicomDataset([leaf]);
        var sequence = new DicomElement(new DicomTag(0x00540016), DicomVR.SQ, default, 0, 0) { Items = [item] };
        var dataset = new DicomDataset([sequence]);
        BulkDataPath.TryParse("00540016/0/00181074", out var path);
        BulkDataPath.TryParse("00540016/1/00181074", out var missingItem);

        Assert.That(path.Find(dataset), Is.SameAs(leaf));
        Assert.That(missingItem.Find(dataset), Is.Null);
    }
}
