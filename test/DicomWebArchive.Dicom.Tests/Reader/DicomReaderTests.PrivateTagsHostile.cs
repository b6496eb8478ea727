using System.Diagnostics;
using DicomWebArchive.Dicom.Tests.Support;

namespace DicomWebArchive.Dicom.Tests.Reader;

/// <summary>
/// Private elements whose data does not fit what the private dictionary says. A value that cannot be of the
/// dictionary's VR is kept as UN with its bytes; data that is malformed whatever its VR is rejected with the offset.
/// </summary>
public sealed partial class DicomReaderTests
{
    private static DicomBuilder SiemensBlock(ushort group, string creator) =>
        DicomBuilder.Part10(ImplicitLittleEndian).Implicit(group, 0x0010, Text(creator));

    [Test]
    public async Task ReadAsync_HugeBinaryPrivateCreator_ElementsStayUN()
    {
        var binary = new byte[200_000];
        new Random(7).NextBytes(binary);
        // No NUL, which would end the comparison early: the whole value must be looked at and refused.
        binary.AsSpan().Replace((byte)0, (byte)0x80);
        var spaces = Enumerable.Repeat((byte)' ', 100_000).ToArray();
        var bytes = DicomBuilder.Part10(ImplicitLittleEndian)
            .Implicit(0x0029, 0x0010, binary)
            .Implicit(0x0029, 0x0011, [.. Text("SIEMENS CSA HEADER"), .. spaces])
            .Implicit(0x0029, 0x1008, Text("IMAGE NUM 4"))
            .Implicit(0x0029, 0x1108, Text("IMAGE NUM 4"))
            .ToArray();
        var stopwatch = Stopwatch.StartNew();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        Assert.That(stopwatch.ElapsedMilliseconds, Is.LessThan(5000));
        Assert.That(VROf(dataset, 0x00291008), Is.EqualTo(DicomVR.UN));
        // Trailing spaces are padding however many there are (dcmtk agrees).
        Assert.That(VROf(dataset, 0x00291108), Is.EqualTo(DicomVR.CS));

        // A creator beyond the inline limit is not loaded, so it reserves nothing.
        var skipped = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { MaxInlineValueLength = 1000 });
        Assert.That(VROf(skipped.Dataset, 0x00291108), Is.EqualTo(DicomVR.UN));
    }

    [Test]
    public void ReadAsync_PrivateCreatorDeclaringHugeLength_RejectedWithoutAllocatingIt()
    {
        var bytes = SiemensBlock(0x0029, "SIEMENS CSA HEADER").ImplicitHeader(0x0029, 0x0011, 0xFFFFFFF0).Raw(Text("SIEMENS")).ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.That(RejectedEveryWay(bytes), Is.EqualTo(bytes.Length));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1024 * 1024));
    }

    [Test]
    public async Task ReadAsync_RepeatedPrivateCreator_FirstReservationStands()
    {
        var bytes = DicomBuilder.Part10(ImplicitLittleEndian)
            .Implicit(0x0029, 0x0010, Text("ACME IMAGING 1.0"))
            .Implicit(0x0029, 0x0010, Text("SIEMENS CSA HEADER"))
            .Implicit(0x0029, 0x0011, Text("SIEMENS MEDCOM HEADER"))
            .Implicit(0x0029, 0x0012, Text("SIEMENS MEDCOM HEADER"))
            .Implicit(0x0029, 0x1008, Text("IMAGE NUM 4"))
            .Implicit(0x0029, 0x1171, [0x10, 0x00, 0x20, 0x00])
            .Implicit(0x0029, 0x1271, [0x10, 0x00, 0x20, 0x00])
            .ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        Assert.That(dataset.Where(e => e.Tag.Value == 0x00291008).Select(e => e.VR), Is.EqualTo(new[] { DicomVR.UN }));
        Assert.That(VROf(dataset, 0x00291171), Is.EqualTo(DicomVR.AT));
        Assert.That(VROf(dataset, 0x00291271), Is.EqualTo(DicomVR.AT));
    }

    // A US of 3 bytes (dcmtk pads it and shows two values, 7\9 for 07 00 09), an FD of 12, an SL of 2, an AT of 6.
    [TestCase("SIEMENS MED DISPLAY", (ushort)0x0029, (ushort)0x1010, 3)]
    [TestCase("SIEMENS MR HEADER", (ushort)0x0019, (ushort)0x1028, 12)]
    [TestCase("SIEMENS SMS-AX  ACQ 1.0", (ushort)0x0021, (ushort)0x1004, 2)]
    [TestCase("SIEMENS MEDCOM HEADER", (ushort)0x0029, (ushort)0x1071, 6)]
    public async Task ReadAsync_PrivateNumberOfTornLength_KeptAsUN(string creator, ushort group, ushort element, int length)
    {
        var value = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        var bytes = SiemensBlock(group, creator).Implicit(group, element, value).Implicit(group, 0x10FF, Text("next")).ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        var torn = dataset.Find(new DicomTag(group, element))!;
        Assert.That(torn.VR, Is.EqualTo(DicomVR.UN));
        Assert.That(torn.Value.ToArray(), Is.EqualTo(value));
        Assert.That(dataset.Find(new DicomTag(group, 0x10FF))!.Value.ToArray(), Is.EqualTo(Text("next")));
    }

    [TestCase(16)]
    [TestCase(4)]
    public async Task ReadAsync_PrivateSequenceHoldingGarbage_KeptAsUN(int length)
    {
        var garbage = Enumerable.Range(0, length).Select(i => (byte)(0x41 + i)).ToArray();
        var bytes = SiemensBlock(0x0029, "SIEMENS MEDCOM HEADER").Implicit(0x0029, 0x1040, garbage).Implicit(0x0029, 0x1071, [8, 0, 0x18, 0]).ToArray();
        var dataset = (await ReadEveryWay(bytes)).Dataset;
        var element = dataset.Find(new DicomTag(0x00291040))!;
        Assert.That(element.VR, Is.EqualTo(DicomVR.UN));
        Assert.That(element.Items, Is.Null);
        Assert.That(element.Value.ToArray(), Is.EqualTo(garbage));
        Assert.That(VROf(dataset, 0x00291071), Is.EqualTo(DicomVR.AT));
    }

    [Test]
    public async Task ReadAsync_EmptyPrivateSequence_IsSequenceWithoutItems()
    {
        var bytes = SiemensBlock(0x0029, "SIEMENS MEDCOM HEADER").Implicit(0x0029, 0x1040, []).ToArray();
        var element = (await ReadEveryWay(bytes)).Dataset.Find(new DicomTag(0x00291040))!;
        Assert.That(element.VR, Is.EqualTo(DicomVR.SQ));
        Assert.That(element.Items, Is.Empty);
    }

    [Test]
    public void ReadAsync_PrivateSequenceWithOverlongItem_RejectedAtTheItem()
    {
        var builder = SiemensBlock(0x0029, "SIEMENS MEDCOM HEADER").ImplicitHeader(0x0029, 0x1040, 16);
        long item = builder.Length;
        var bytes = builder.Item(400).Raw(new byte[8]).ToArray();
        Assert.That(RejectedEveryWay(bytes), Is.EqualTo(item));
    }

    [Test]
    public void ReadAsync_PrivateSequenceOfUndefinedLengthHoldingGarbage_RejectedAtTheGarbage()
    {
        var builder = SiemensBlock(0x0029, "SIEMENS MEDCOM HEADER").ImplicitHeader(0x0029, 0x1040, DicomBuilder.Undefined);
        long garbage = builder.Length;
        var bytes = builder.Raw("not an item at all"u8).ToArray();
        Assert.That(RejectedEveryWay(bytes), Is.EqualTo(garbage));
    }

    [Test]
    public void ReadAsync_PrivateSequenceNeverDelimited_RejectedAtTheEnd()
    {
        var bytes = SiemensBlock(0x0029, "SIEMENS CSA HEADER").ImplicitHeader(0x0029, 0x1008, DicomBuilder.Undefined)
            .Item().Implicit(0x0010, 0x0010, Text("Doe^Jane"))
            .ToArray();
        Assert.That(RejectedEveryWay(bytes), Is.EqualTo(bytes.Length));
    }

    [Test]
    public void ReadAsync_CorruptItemInsidePrivateSequence_RejectedAtTheElement()
    {
        var builder = SiemensBlock(0x0029, "SIEMENS MEDCOM HEADER").ImplicitHeader(0x0029, 0x1040, 40).Item(32);
        long element = builder.Length;
        // An element inside the item claims more than the item holds.
        var bytes = builder.ImplicitHeader(0x0010, 0x0010, 1000).Raw(new byte[24]).ToArray();
        Assert.That(RejectedEveryWay(bytes), Is.EqualTo(element));
    }
}
