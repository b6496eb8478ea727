using System.Buffers.Binary;
using System.Text;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class ImageDescriptionTests
{
    private static DicomElement UShort(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return new DicomElement(tag, DicomVR.US, bytes, 0, 2);
    }

    private static DicomElement Text(DicomTag tag, DicomVR vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + " ");
        return new DicomElement(tag, vr, bytes, 0, bytes.Length);
    }

    private static DicomDataset Image(params DicomElement[] extra)
    {
        DicomElement[] elements =
        [
            UShort(DicomTags.SamplesPerPixel, 1),
            Text(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2"),
            UShort(DicomTags.Rows, 2),
            UShort(DicomTags.Columns, 3),
            UShort(DicomTags.BitsAllocated, 16),
            UShort(DicomTags.BitsStored, 12),
            UShort(DicomTags.HighBit, 11),
            UShort(DicomTags.PixelRepresentation, 1),
            .. extra,
        ];
        return new DicomDataset([.. elements.OrderBy(e => e.Tag.Value)]);
    }

    [Test]
    public void FromDataset_WindowsAndRescale_FirstValuesAndFunction()
    {
        var dataset = Image(
            Text(DicomTags.WindowCenter, DicomVR.DS, "40\\300"),
            Text(DicomTags.WindowWidth, DicomVR.DS, " 400\\1500"),
            Text(DicomTags.RescaleIntercept, DicomVR.DS, "-1024"),
            Text(DicomTags.RescaleSlope, DicomVR.DS, "2.5"),
            Text(new DicomTag(0x00281056), DicomVR.CS, "LINEAR_EXACT"));

        var description = ImageDescription.FromDataset(dataset);

        Assert.That(description.Window, Is.EqualTo(new VoiWindow(40, 400, VoiFunction.LinearExact)));
        Assert.That((description.RescaleSlope, description.RescaleIntercept), Is.EqualTo((2.5, -1024.0)));
        Assert.That((description.Rows, description.Columns, description.BitsStored, description.IsSigned), Is.EqualTo((2, 3, 12, true)));
    }

    [Test]
    public void FromDataset_ZeroWidthWindowAndZeroSlope_Ignored()
    {
        var dataset = Image(
            Text(DicomTags.WindowCenter, DicomVR.DS, "40"),
            Text(DicomTags.WindowWidth, DicomVR.DS, "0"),
            Text(DicomTags.RescaleSlope, DicomVR.DS, "0"));

        var description = ImageDescription.FromDataset(dataset);

        Assert.That(description.Window, Is.Null);
        Assert.That(description.RescaleSlope, Is.EqualTo(1));
    }

    [Test]
    public void FromDataset_NoImageAttributes_NotRenderable()
    {
        var dataset = new DicomDataset([Text(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.88.11")]);

        var ex = Assert.Throws<RenderingException>(() => ImageDescription.FromDataset(dataset));
        Assert.That(ex!.Reason, Is.EqualTo(RenderingFailure.NotRenderable));
    }

    [Test]
    public void FromDataset_UnsupportedPhotometric_NotRenderableNamingIt()
    {
        var elements = Image().Select(e => e.Tag == DicomTags.PhotometricInterpretation ? Text(e.Tag, DicomVR.CS, "YBR_PARTIAL_420") : e).ToArray();

        var ex = Assert.Throws<RenderingException>(() => ImageDescription.FromDataset(new DicomDataset(elements)));
        Assert.That(ex!.Message, Does.Contain("YBR_PARTIAL_420"));
    }

    [Test]
    public void FromDataset_HugeGeometry_NotRenderable()
    {
        var elements = Image().Select(e => e.Tag == DicomTags.Rows || e.Tag == DicomTags.Columns ? UShort(e.Tag, 65535) : e).ToArray();

        var ex = Assert.Throws<RenderingException>(() => ImageDescription.FromDataset(new DicomDataset(elements)));
        Assert.That(ex!.Message, Does.Contain("too large"));
    }

    [Test]
    public void FromDataset_PaletteWithoutLookupTables_NotRenderable()
    {
        var elements = Image().Select(e => e.Tag == DicomTags.PhotometricInterpretation ? Text(e.Tag, DicomVR.CS, "PALETTE COLOR") : e).ToArray();

        Assert.Throws<RenderingException>(() => ImageDescription.FromDataset(new DicomDataset(elements)));
    }
}
