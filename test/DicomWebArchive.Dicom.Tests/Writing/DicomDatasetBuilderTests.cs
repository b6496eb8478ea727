using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Text;
using DicomWebArchive.Dicom.Writing;

namespace DicomWebArchive.Dicom.Tests.Writing;

public sealed class DicomDatasetBuilderTests
{
    [Test]
    public void Build_NonAsciiUtf8Text_AddsIsoIr192AndDecodesInItems()
    {
        var dataset = new DicomDatasetBuilder()
            .AddString(DicomTags.PatientID, DicomVR.LO, "P1")
            .AddSequence(DicomTags.ReferencedSOPSequence, new DicomDatasetBuilder().AddString(DicomTags.PatientName, DicomVR.PN, "Ōtsuka^Kōji"))
            .Build();
        var item = dataset.Find(DicomTags.ReferencedSOPSequence)!.Items![0];
        Assert.Multiple(() =>
        {
            Assert.That(dataset.GetString(DicomTags.SpecificCharacterSet), Is.EqualTo("ISO_IR 192"));
            Assert.That(item.Contains(DicomTags.SpecificCharacterSet), Is.False);
            Assert.That(item.GetString(DicomTags.PatientName), Is.EqualTo("Ōtsuka^Kōji"));
        });
    }

    [Test]
    public void Build_AsciiText_AddsNoCharacterSetAndPadsToEvenLength()
    {
        var dataset = new DicomDatasetBuilder()
            .AddString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3")
            .AddString(DicomTags.PatientID, DicomVR.LO, "ABC")
            .Build();
        Assert.Multiple(() =>
        {
            Assert.That(dataset.Contains(DicomTags.SpecificCharacterSet), Is.False);
            Assert.That(dataset.Find(DicomTags.SOPInstanceUID)!.Value.ToArray(), Is.EqualTo("1.2.3\0"u8.ToArray()));
            Assert.That(dataset.Find(DicomTags.PatientID)!.Value.ToArray(), Is.EqualTo("ABC "u8.ToArray()));
        });
    }

    [Test]
    public void Build_StoreResponseShape_WritesExpectedJson()
    {
        var response = new DicomDatasetBuilder()
            .AddString(DicomTags.RetrieveURL, DicomVR.UR, "https://pacs/studies/1.2")
            .AddSequence(DicomTags.FailedSOPSequence, new DicomDatasetBuilder()
                .AddString(DicomTags.ReferencedSOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2")
                .AddString(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, "1.2.3")
                .AddUInt16(DicomTags.FailureReason, 0xA700))
            .AddInt16(DicomTags.PatientID, 1)
            .AddString(DicomTags.PatientID, DicomVR.LO, "replaced")
            .Build();
        Assert.That(DicomJsonWriter.Serialize(response), Is.EqualTo(
            """{"00081190":{"vr":"UR","Value":["https://pacs/studies/1.2"]},"00081198":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.840.10008.5.1.4.1.1.2"]},"00081155":{"vr":"UI","Value":["1.2.3"]},"00081197":{"vr":"US","Value":[42752]}}]},"00100020":{"vr":"LO","Value":["replaced"]}}"""));
    }
}
