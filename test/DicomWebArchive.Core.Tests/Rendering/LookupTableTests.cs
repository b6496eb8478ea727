using System.Buffers.Binary;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class LookupTableTests
{
    private static readonly DicomTag LUTDescriptor = new(0x00283002);
    private static readonly DicomTag LUTData = new(0x00283006);

    private static DicomDataset Item(DicomVR descriptorVR, ushort[] descriptor, DicomVR dataVR, byte[] data)
    {
        var bytes = new byte[descriptor.Length * 2];
        for (int i = 0; i < descriptor.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), descriptor[i]);
        }
        return new DicomDataset([new DicomElement(LUTDescriptor, descriptorVR, bytes, 0, bytes.Length), new DicomElement(LUTData, dataVR, data, 0, data.Length)]);
    }

    private static byte[] Words(params ushort[] values) => [.. values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8) })];

    [Test]
    public void Read_DescriptorZero_SixtyFiveThousandFiveHundredThirtySixEntries()
    {
        var data = Words([.. Enumerable.Range(0, 65536).Select(i => (ushort)i)]);

        var lut = LookupTable.Read(Item(DicomVR.US, [0, 0, 16], DicomVR.OW, data), signed: false, "VOI LUT");

        Assert.That((lut.Count, lut.Bits, lut[65535], lut[70000], lut[-5]), Is.EqualTo((65536, 16, (ushort)65535, (ushort)65535, (ushort)0)));
    }

    [TestCase(false, DicomVR.SS)]
    [TestCase(true, DicomVR.US)]
    public void Read_SignedFirstMapped_FromPixelRepresentationOrVR(bool signed, DicomVR descriptorVR)
    {
        var lut = LookupTable.Read(Item(descriptorVR, [3, unchecked((ushort)-1024), 12], DicomVR.US, Words(10, 20, 30)), signed, "Modality LUT");

        Assert.That((lut.FirstMapped, lut[-1024], lut[-1023], lut[-1022]), Is.EqualTo((-1024, (ushort)10, (ushort)20, (ushort)30)));
    }

    [Test]
    public void Read_EightBitEntriesOnePerByte_Read()
    {
        var lut = LookupTable.Read(Item(DicomVR.US, [4, 0, 8], DicomVR.OW, [1, 2, 3, 4]), signed: false, "VOI LUT");

        Assert.That(Enumerable.Range(0, 4).Select(i => lut[i]), Is.EqualTo(new ushort[] { 1, 2, 3, 4 }));
    }

    [TestCase(new ushort[] { 4096, 0, 16 }, 100, "declares 4096 entries")]
    [TestCase(new ushort[] { 0, 0, 16 }, 0, "holds 0 bytes")]
    [TestCase(new ushort[] { 4, 0, 0 }, 4, "0 bits")]
    [TestCase(new ushort[] { 4, 0 }, 4, "no LUT Descriptor")]
    public void Read_Broken_NotRenderable(ushort[] descriptor, int entries, string reason)
    {
        var item = Item(DicomVR.US, descriptor, DicomVR.US, Words([.. Enumerable.Range(0, entries).Select(i => (ushort)i)]));

        var ex = Assert.Throws<RenderingException>(() => LookupTable.Read(item, signed: false, "Modality LUT"));

        Assert.That(ex!.Reason, Is.EqualTo(RenderingFailure.NotRenderable));
        Assert.That(ex.Message, Does.Contain(reason));
    }
}
