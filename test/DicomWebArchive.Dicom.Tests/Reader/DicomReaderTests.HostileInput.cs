using System.Diagnostics;

namespace DicomWebArchive.Dicom.Tests.Reader;

public sealed partial class DicomReaderTests
{
    [Test]
    public void ReadAsync_TenThousandNestedSequences_RejectedQuicklyWithoutStackOverflow()
    {
        var builder = DicomBuilder.Part10().Explicit(0x0008, 0x0016, "UI", DicomBuilder.Text("1.2\0"));
        for (int i = 0; i < 10_000; i++)
        {
            builder.ExplicitHeader(0x0040, 0xA730, "SQ", DicomBuilder.Undefined).Item();
        }
        var stopwatch = Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(builder.ToStream()));
        Assert.That(stopwatch.ElapsedMilliseconds, Is.LessThan(1000));
        Assert.That(error!.Message, Does.Contain("deeper than 64"));
        Assert.That(error.Offset, Is.GreaterThan(64 * 20).And.LessThan(66 * 20 + 400));
    }

    [Test]
    public void ReadAsync_NestingWithinMaxDepth_Accepted()
    {
        var builder = DicomBuilder.Part10();
        for (int i = 0; i < 64; i++)
        {
            builder.ExplicitHeader(0x0040, 0xA730, "SQ", DicomBuilder.Undefined).Item();
        }
        for (int i = 0; i < 64; i++)
        {
            builder.ItemEnd().SequenceEnd();
        }
        var file = DicomReader.ReadAsync(builder.ToStream()).AsTask().Result;
        int depth = 0;
        for (var dataset = file.Dataset; dataset.Count > 0; dataset = dataset[0].Items![0])
        {
            depth++;
        }
        Assert.That(depth, Is.EqualTo(64));
    }

    [Test]
    public void ReadAsync_HugeLengthWithTenBytesPresent_ThrowsWithoutAllocatingIt()
    {
        foreach (var inline in new[] { int.MaxValue, 4 * 1024 * 1024 })
        {
            var bytes = DicomBuilder.Part10().ExplicitHeader(0x0010, 0x4000, "UT", 0xFFFFFFF0).Raw(new byte[10]).ToArray();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.ThrowsAsync<DicomFormatException>(async () =>
                await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { MaxInlineValueLength = inline }));
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(256 * 1024), $"allocated, inline limit {inline}");
            Assert.That(error!.Offset, Is.EqualTo(bytes.Length));
        }
    }

    [Test]
    public void ReadAsync_UndefinedLengthOnUT_Throws()
    {
        var bytes = DicomBuilder.Part10().ExplicitHeader(0x0010, 0x4000, "UT", DicomBuilder.Undefined).Raw(new byte[64]).ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Message, Does.Contain("(0010,4000)").And.Contain("Undefined length"));
    }

    [Test]
    public async Task ReadAsync_GarbageMetaGroupLength_ReadsByGroupNumber()
    {
        var bytes = DicomBuilder.Part10().Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        bytes[132 + 8] = 0xFF; // FileMetaInformationGroupLength value 0x...FF: wrong
        bytes[132 + 11] = 0x7F;
        var file = await DicomReader.ReadAsync(new MemoryStream(bytes));
        Assert.That(file.TransferSyntax, Is.EqualTo(TransferSyntax.ExplicitVRLittleEndian));
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public async Task ReadAsync_MissingMetaGroupLength_ReadsByGroupNumber()
    {
        var bytes = DicomBuilder.Part10().Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var withoutLength = bytes[..132].Concat(bytes[(132 + 12)..]).ToArray();
        var file = await DicomReader.ReadAsync(new MemoryStream(withoutLength));
        Assert.That(file.Meta.Contains(DicomTags.FileMetaInformationGroupLength), Is.False);
        Assert.That(file.Dataset.GetAsciiString(DicomTags.PatientName), Is.EqualTo("Doe^J"));
    }

    [Test]
    public void ReadAsync_GarbageAfterDicm_Throws()
    {
        var bytes = new byte[128].Concat("DICM"u8.ToArray()).Concat(Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11))).ToArray();
        Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
    }

    [Test]
    public void ReadAsync_MetaElementLengthPastEnd_Throws()
    {
        var bytes = new byte[128].Concat("DICM"u8.ToArray()).Concat(DicomBuilder.UInt16(2)).Concat(DicomBuilder.UInt16(0x10))
            .Concat("UI"u8.ToArray()).Concat(DicomBuilder.UInt16(0xFFF0)).Concat(new byte[16]).ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Offset, Is.EqualTo(bytes.Length));
    }

    [TestCase(0xE000, "Item outside a sequence")]
    [TestCase(0xE00D, "Delimiter")]
    [TestCase(0xE0DD, "Delimiter")]
    public void ReadAsync_ItemTagInDataSet_Throws(int element, string message)
    {
        var bytes = DicomBuilder.Part10().Explicit(0x0008, 0x0016, "UI", DicomBuilder.Text("1.2\0"))
            .ImplicitHeader(0xFFFE, (ushort)element, 0).Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Message, Does.Contain(message));
        Assert.That(error.Offset, Is.EqualTo(bytes.Length - 22));
    }

    [Test]
    public void ReadAsync_ElementInsteadOfItemInSequence_Throws()
    {
        var bytes = DicomBuilder.Part10().ExplicitHeader(0x0008, 0x1115, "SQ", DicomBuilder.Undefined)
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^J ")).ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Message, Does.Contain("Expected an item"));
    }

    [Test]
    public void ReadAsync_ValueLongerThanItsItem_Throws()
    {
        var bytes = DicomBuilder.Part10().ExplicitHeader(0x0008, 0x1115, "SQ", DicomBuilder.Undefined).Item(14)
            .Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^John")).SequenceEnd().ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Message, Does.Contain("past the end of the enclosing item"));
    }

    [Test]
    public void ReadAsync_UndefinedLengthFragment_Throws()
    {
        var bytes = DicomBuilder.Part10("1.2.840.10008.1.2.4.50").ExplicitHeader(0x7FE0, 0x0010, "OB", DicomBuilder.Undefined)
            .Item(0).Item().Raw(new byte[16]).ToArray();
        Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes), Scan));
    }

    [Test]
    public void ReadAsync_EndOfStreamInsideElement_ThrowsDicomFormatExceptionNotEndOfStream()
    {
        var whole = DicomBuilder.Part10().Explicit(0x0010, 0x0010, "PN", DicomBuilder.Text("Doe^John")).ToArray();
        for (int cut = 133; cut < whole.Length; cut++)
        {
            if (cut == whole.Length - 16)
            {
                continue; // meta group complete, empty data set: valid
            }
            var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(whole[..cut])), $"cut at {cut}");
            Assert.That(error!.Offset, Is.LessThanOrEqualTo(cut));
        }
    }

    [Test]
    public void ReadAsync_EmptyStream_Throws() =>
        Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream()));

    [Test]
    public void ReadAsync_TextFile_Throws()
    {
        var bytes = "{\"not\": \"dicom\", \"but\": \"json that goes on for a while\"}"u8.ToArray();
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(bytes)));
        Assert.That(error!.Message, Does.Contain("Not a DICOM file"));
    }

    [Test]
    public void ReadAsync_ZeroBytes_ThrowsNotDicom()
    {
        // 4 KiB of zeros has no DICM at 128 and reads as command group elements: nothing a stored data set starts with.
        var error = Assert.ThrowsAsync<DicomFormatException>(async () => await DicomReader.ReadAsync(new MemoryStream(new byte[4096])));
        Assert.That(error!.Message, Does.Contain("Not a DICOM file"));
    }

    [Test]
    public void ReadAsync_BareDataSetWhenMetaRequired_Throws()
    {
        var bytes = new DicomBuilder().Explicit(0x0008, 0x0016, "UI", DicomBuilder.Text("1.2\0")).ToArray();
        Assert.ThrowsAsync<DicomFormatException>(async () =>
            await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { AllowMissingMeta = false }));
    }
}
