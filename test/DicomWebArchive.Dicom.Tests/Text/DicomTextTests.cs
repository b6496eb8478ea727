using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Tests.Text;

public sealed class DicomTextTests
{
    private static readonly DicomTag PatientName = DicomTags.PatientName;

    [Test]
    public void GetString_SequenceItemWithoutCharset_InheritsEnclosingDataSet()
    {
        var item = new DicomDataset([TestData.Text(0x00100010, DicomVR.PN, "J\u00e9r\u00f4me")]);
        TestData.Dataset(
            TestData.Text(0x00080005, DicomVR.CS, "ISO_IR 100"),
            TestData.Sequence(0x00081199, item));
        Assert.That(item.GetString(PatientName), Is.EqualTo("Jérôme"));
    }

    [Test]
    public void GetString_SequenceItemWithOwnCharset_UsesItsOwn()
    {
        var item = new DicomDataset([
            TestData.Text(0x00080005, DicomVR.CS, "ISO_IR 192"),
            TestData.Text(0x00100010, DicomVR.PN, "J\u00c3\u00a9r\u00c3\u00b4me"),
        ]);
        TestData.Dataset(TestData.Text(0x00080005, DicomVR.CS, "ISO_IR 100"), TestData.Sequence(0x00081199, item));
        Assert.That(item.GetString(PatientName), Is.EqualTo("Jérôme"));
    }

    [Test]
    public void GetStrings_MultiValuedLongString_SplitsAndTrimsEachValue()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00081030, DicomVR.LO, " CT HEAD \\\\CHEST "));
        Assert.That(dataset.GetStrings(new DicomTag(0x00081030)), Is.EqualTo(new[] { "CT HEAD", "", "CHEST" }));
    }

    [Test]
    public void GetString_MultiValued_JoinsTrimmedValues()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00080008, DicomVR.CS, "ORIGINAL \\PRIMARY \\AXIAL "));
        Assert.That(dataset.GetString(new DicomTag(0x00080008)), Is.EqualTo("ORIGINAL\\PRIMARY\\AXIAL"));
    }

    [Test]
    public void GetString_LongText_KeepsBackslashAndLeadingSpaces()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00284000, DicomVR.LT, "  C:\\path\\x  "));
        Assert.That(dataset.GetString(new DicomTag(0x00284000)), Is.EqualTo("  C:\\path\\x"));
    }

    [Test]
    public void GetString_UniqueIdentifier_RemovesTrailingNul()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00080018, DicomVR.UI, "1.2.3\0"));
        Assert.That(dataset.GetString(DicomTags.SOPInstanceUID), Is.EqualTo("1.2.3"));
    }

    [Test]
    public void GetString_Absent_IsNullAndEmptyIsEmpty()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00100010, DicomVR.PN, ""));
        Assert.Multiple(() =>
        {
            Assert.That(dataset.GetString(DicomTags.PatientID), Is.Null);
            Assert.That(dataset.GetString(PatientName), Is.Empty);
            Assert.That(dataset.GetStrings(PatientName), Is.Empty);
            Assert.That(dataset.GetPersonName(PatientName), Is.Null);
        });
    }

    [Test]
    public void GetPersonName_Iso2022ThreeGroups_SplitsDecodedGroups()
    {
        var dataset = TestData.Dataset(
            TestData.Text(0x00080005, DicomVR.CS, "\\ISO 2022 IR 87"),
            TestData.Text(0x00100010, DicomVR.PN, "Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B "));
        Assert.That(dataset.GetPersonName(PatientName), Is.EqualTo(new DicomPersonName("Yamada^Tarou", "山田^太郎", "やまだ^たろう")));
    }

    [Test]
    public void GetPersonNames_MultiValued_OnePerValue()
    {
        var dataset = TestData.Dataset(TestData.Text(0x00100010, DicomVR.PN, "Doe^John\\Roe^Jane=R^J"));
        var names = DicomText.GetPersonNames(dataset, dataset.Find(PatientName)!);
        Assert.That(names, Is.EqualTo(new[] { new DicomPersonName("Doe^John", "", ""), new DicomPersonName("Roe^Jane", "R^J", "") }));
    }

    [Test]
    public void ToString_PersonName_DropsTrailingEmptyGroups() =>
        Assert.That(new DicomPersonName("Wang^XiaoDong", "王^小東", "").ToString(), Is.EqualTo("Wang^XiaoDong=王^小東"));
}
