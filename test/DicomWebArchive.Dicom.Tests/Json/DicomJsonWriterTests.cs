using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Tests.Support;

namespace DicomWebArchive.Dicom.Tests.Json;

public sealed class DicomJsonWriterTests
{
    private static string Json(params DicomElement[] elements) => DicomJsonWriter.Serialize(TestData.Dataset(elements));

    private static string Json(DicomJsonOptions options, params DicomElement[] elements) => DicomJsonWriter.Serialize(TestData.Dataset(elements), options);

    [Test]
    public void Serialize_MetaAndGroupLength_AreLeftOutAndKeysAscend()
    {
        var json = DicomJsonWriter.Serialize(new DicomDataset([
            TestData.Text(0x00020010, DicomVR.UI, "1.2.840.10008.1.2.1\0"),
            TestData.Bytes(0x00080000, DicomVR.UL, [4, 0, 0, 0]),
            TestData.Text(0x00100020, DicomVR.LO, "ID1 "),
            TestData.Text(0x00080060, DicomVR.CS, "CT"),
        ]));
        Assert.That(json, Is.EqualTo("""{"00080060":{"vr":"CS","Value":["CT"]},"00100020":{"vr":"LO","Value":["ID1"]}}"""));
    }

    [Test]
    public void Serialize_MultiValuedString_SplitsTrimsAndNullsEmptyEntries() =>
        Assert.That(Json(TestData.Text(0x00080008, DicomVR.CS, "ORIGINAL\\\\ AXIAL ")),
            Is.EqualTo("""{"00080008":{"vr":"CS","Value":["ORIGINAL",null,"AXIAL"]}}"""));

    [Test]
    public void Serialize_EmptyAndBlankValues_HaveVrOnly() =>
        Assert.That(Json(TestData.Text(0x00080050, DicomVR.SH, ""), TestData.Text(0x00081030, DicomVR.LO, "  ")),
            Is.EqualTo("""{"00080050":{"vr":"SH"},"00081030":{"vr":"LO"}}"""));

    [Test]
    public void Serialize_UniqueIdentifier_DropsNulPadding() =>
        Assert.That(Json(TestData.Text(0x00080018, DicomVR.UI, "1.2.3.4\0")), Is.EqualTo("""{"00080018":{"vr":"UI","Value":["1.2.3.4"]}}"""));

    [Test]
    public void Serialize_LongText_IsOneValueWithLeadingSpacesKept() =>
        Assert.That(Json(TestData.Text(0x00284000, DicomVR.LT, " a\\b ")), Is.EqualTo("""{"00284000":{"vr":"LT","Value":[" a\\b"]}}"""));

    [Test]
    public void Serialize_PersonName_WritesNonEmptyGroups()
    {
        var json = Json(
            TestData.Text(0x00080005, DicomVR.CS, "ISO_IR 192"),
            TestData.Text(0x00100010, DicomVR.PN, Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("Wang^XiaoDong=王^小東=\\\\=Yamada "))));
        Assert.That(json, Is.EqualTo("""{"00080005":{"vr":"CS","Value":["ISO_IR 192"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Wang^XiaoDong","Ideographic":"王^小東"},null,{"Ideographic":"Yamada"}]}}"""));
    }

    [Test]
    public void Serialize_PersonNameIso2022_DecodesEachGroup()
    {
        var json = Json(
            TestData.Text(0x00080005, DicomVR.CS, "\\ISO 2022 IR 149"),
            TestData.Text(0x00100010, DicomVR.PN, "Hong^Gildong=\u001b$)C\u00fb\u00f3^\u001b$)C\u00d1\u00ce\u00d4\u00d7=\u001b$)C\u00c8\u00ab^\u001b$)C\u00b1\u00e6\u00b5\u00bf"));
        Assert.That(json, Does.EndWith("""{"vr":"PN","Value":[{"Alphabetic":"Hong^Gildong","Ideographic":"洪^吉洞","Phonetic":"홍^길동"}]}}"""));
    }

    [TestCase("+1.5", "1.5")]
    [TestCase(".5", "0.5")]
    [TestCase("-.5", "-0.5")]
    [TestCase("5.", "5")]
    [TestCase("007", "7")]
    [TestCase(" 1.0E+05 ", "1.0E+05")]
    [TestCase("0", "0")]
    [TestCase("-0.000", "-0.000")]
    [TestCase("1e999", "\"1e999\"")]
    [TestCase("abc", "\"abc\"")]
    [TestCase("1.2.3", "\"1.2.3\"")]
    [TestCase("1e", "\"1e\"")]
    [TestCase(".", "\".\"")]
    public void Serialize_DecimalString_NormalisesToJsonNumberOrKeepsText(string text, string expected) =>
        Assert.That(Json(TestData.Text(0x00281050, DicomVR.DS, text)), Is.EqualTo("""{"00281050":{"vr":"DS","Value":[""" + expected + "]}}"));

    [Test]
    public void Serialize_IntegerStringList_WritesNumbersAndNulls() =>
        Assert.That(Json(TestData.Text(0x00200013, DicomVR.IS, " 12\\\\-3 ")), Is.EqualTo("""{"00200013":{"vr":"IS","Value":[12,null,-3]}}"""));

    [Test]
    public void Serialize_AttributeTag_IsEightHexDigits() =>
        Assert.That(Json(TestData.Bytes(0x00209165, DicomVR.AT, [0x20, 0x00, 0x32, 0x00, 0xE0, 0x7F, 0x10, 0x00])),
            Is.EqualTo("""{"00209165":{"vr":"AT","Value":["00200032","7FE00010"]}}"""));

    [Test]
    public void Serialize_BinaryNumbers_WriteJsonNumbers()
    {
        var fd = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(fd, 0.1);
        BinaryPrimitives.WriteDoubleLittleEndian(fd.AsSpan(8), -2.5e300);
        var fl = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(fl, 1.1f);
        var json = Json(
            TestData.UInt16(0x00280010, 512, 65535),
            TestData.Bytes(0x00280106, DicomVR.SS, [0x00, 0x80]),
            TestData.Bytes(0x00400000 + 0x1001, DicomVR.SL, [0xFF, 0xFF, 0xFF, 0xFF]),
            TestData.Bytes(0x00400000 + 0x1002, DicomVR.UL, [0xFF, 0xFF, 0xFF, 0xFF]),
            TestData.Bytes(0x00400000 + 0x1003, DicomVR.FL, fl),
            TestData.Bytes(0x00400000 + 0x1004, DicomVR.FD, fd));
        Assert.That(json, Is.EqualTo("""{"00280010":{"vr":"US","Value":[512,65535]},"00280106":{"vr":"SS","Value":[-32768]},"00401001":{"vr":"SL","Value":[-1]},"00401002":{"vr":"UL","Value":[4294967295]},"00401003":{"vr":"FL","Value":[1.1]},"00401004":{"vr":"FD","Value":[0.1,-2.5E+300]}}"""));
    }

    [Test]
    public void Serialize_VeryLongIntegers_AreStringsBeyondTwoToThe53()
    {
        var sv = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(sv, -(1L << 53) + 1);
        BinaryPrimitives.WriteInt64LittleEndian(sv.AsSpan(8), long.MinValue);
        var uv = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(uv, ulong.MaxValue);
        Assert.That(Json(TestData.Bytes(0x00660040, DicomVR.SV, sv), TestData.Bytes(0x00660041, DicomVR.UV, uv)),
            Is.EqualTo("""{"00660040":{"vr":"SV","Value":[-9007199254740991,"-9223372036854775808"]},"00660041":{"vr":"UV","Value":["18446744073709551615"]}}"""));
    }

    [Test]
    public void Serialize_FloatNaN_IsInlineBinaryOfRawBytes()
    {
        var fl = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(fl, 1f);
        BinaryPrimitives.WriteSingleLittleEndian(fl.AsSpan(4), float.NaN);
        Assert.That(Json(TestData.Bytes(0x00189089, DicomVR.FL, fl)),
            Is.EqualTo("{\"00189089\":{\"vr\":\"FL\",\"InlineBinary\":\"" + Convert.ToBase64String(fl) + "\"}}"));
    }

    [Test]
    public void Serialize_Sequences_WriteItemsEmptyItemsAndEmptySequences()
    {
        var item = new DicomDataset([TestData.Text(0x00081150, DicomVR.UI, "1.2\0"), TestData.Text(0x00081155, DicomVR.UI, "3.4\0")]);
        var json = Json(TestData.Sequence(0x00081140, item, DicomDataset.Empty), TestData.Sequence(0x00081199));
        Assert.That(json, Is.EqualTo("""{"00081140":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2"]},"00081155":{"vr":"UI","Value":["3.4"]}},{}]},"00081199":{"vr":"SQ"}}"""));
    }

    [Test]
    public void Serialize_PrivateCreatorAndElement_AreWrittenLikeAnyOther() =>
        Assert.That(Json(TestData.Text(0x00290010, DicomVR.LO, "ACME 1.0"), TestData.Bytes(0x00291010, DicomVR.OB, [1, 2, 3, 0])),
            Is.EqualTo("""{"00290010":{"vr":"LO","Value":["ACME 1.0"]},"00291010":{"vr":"OB","InlineBinary":"AQIDAA=="}}"""));

    [Test]
    public void Serialize_LargeBinaryWithCallback_IsBulkDataUriWithSequencePath()
    {
        var references = new List<BulkDataReference>();
        var options = new DicomJsonOptions
        {
            BulkDataThreshold = 4,
            BulkDataUri = reference =>
            {
                references.Add(reference);
                return $"https://pacs/bulk/{reference}";
            },
        };
        var small = TestData.Bytes(0x00420011, DicomVR.OB, [1, 2]);
        var large = new DicomElement(new DicomTag(0x00420011), DicomVR.OB, new byte[6], 1000, 6);
        var json = Json(options, TestData.Sequence(0x0040A730, DicomDataset.Empty, new DicomDataset([large])), small);
        Assert.Multiple(() =>
        {
            Assert.That(json, Is.EqualTo("""{"0040A730":{"vr":"SQ","Value":[{},{"00420011":{"vr":"OB","BulkDataURI":"https://pacs/bulk/0040A730/1/00420011"}}]},"00420011":{"vr":"OB","InlineBinary":"AQI="}}"""));
            Assert.That(references, Has.Count.EqualTo(1));
            Assert.That(references[0].SequencePath, Is.EqualTo(new[] { new DicomSequenceStep(new DicomTag(0x0040A730), 1) }));
            Assert.That((references[0].Offset, references[0].Length), Is.EqualTo((1000L, 6L)));
        });
    }

    [Test]
    public void Serialize_CallbackReturnsNull_InlinesLoadedAndDropsUnloadedValues()
    {
        var options = new DicomJsonOptions { BulkDataThreshold = 0, BulkDataUri = _ => null };
        var loaded = TestData.Bytes(0x00283006, DicomVR.OW, [1, 0]);
        var pixels = new DicomElement(DicomTags.PixelData, DicomVR.OW, ReadOnlyMemory<byte>.Empty, 4096, 524288) { IsValueLoaded = false };
        Assert.That(Json(options, loaded, pixels), Is.EqualTo("""{"00283006":{"vr":"OW","InlineBinary":"AQA="},"7FE00010":{"vr":"OW"}}"""));
    }

    [Test]
    public void Serialize_UnloadedPixelData_AlwaysAsksForBulkDataUri()
    {
        var options = new DicomJsonOptions { BulkDataThreshold = long.MaxValue, BulkDataUri = r => $"frames/{r.Tag}" };
        var pixels = new DicomElement(DicomTags.PixelData, DicomVR.OW, ReadOnlyMemory<byte>.Empty, 4096, 524288) { IsValueLoaded = false };
        Assert.That(Json(options, pixels), Is.EqualTo("""{"7FE00010":{"vr":"OW","BulkDataURI":"frames/7FE00010"}}"""));
    }

    [Test]
    public void WriteDatasets_SeveralDataSets_WritesArrayAndReportsDatasetIndex()
    {
        var indexes = new List<int>();
        var options = new DicomJsonOptions { BulkDataUri = r => { indexes.Add(r.DatasetIndex); return null; } };
        var pixels = new DicomElement(DicomTags.PixelData, DicomVR.OB, ReadOnlyMemory<byte>.Empty, 0, 10) { IsValueLoaded = false };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            DicomJsonWriter.WriteDatasets(writer, [TestData.Dataset(TestData.Text(0x00080060, DicomVR.CS, "MR")), TestData.Dataset(pixels)], options);
        }
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("""[{"00080060":{"vr":"CS","Value":["MR"]}},{"7FE00010":{"vr":"OB"}}]"""));
            Assert.That(indexes, Is.EqualTo(new[] { 1 }));
        });
    }

    [Test]
    public void Serialize_UnknownVRofKnownAttributes_UsesDictionaryVR() =>
        Assert.That(Json(
                TestData.Bytes(0x00090010, DicomVR.UN, "ACME"u8.ToArray()),
                TestData.Bytes(0x00091001, DicomVR.UN, [1, 2]),
                TestData.Bytes(0x00280010, DicomVR.UN, [0x00, 0x02])),
            Is.EqualTo("""{"00090010":{"vr":"LO","Value":["ACME"]},"00091001":{"vr":"UN","InlineBinary":"AQI="},"00280010":{"vr":"US","Value":[512]}}"""));

    [Test]
    public async Task Serialize_ImplicitPrivateOB_InlineBelowThresholdBulkDataAbove()
    {
        var file = await DicomReader.ReadAsync(new MemoryStream(SiemensImplicit.Create()));
        var inline = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset)).RootElement.GetProperty("00291010");
        var bulk = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset, new DicomJsonOptions { BulkDataThreshold = 16, BulkDataUri = r => $"bulkdata/{r}" }))
            .RootElement.GetProperty("00291010");
        Assert.Multiple(() =>
        {
            Assert.That(inline.GetProperty("vr").GetString(), Is.EqualTo("OB"));
            Assert.That(inline.GetProperty("InlineBinary").GetBytesFromBase64(), Is.EqualTo(SiemensImplicit.CsaHeader));
            Assert.That(bulk.GetRawText(), Is.EqualTo("""{"vr":"OB","BulkDataURI":"bulkdata/00291010"}"""));
        });
    }

    [Test]
    public void Serialize_UnsortedHandBuiltDataSet_WritesKeysAscending() =>
        Assert.That(Json(TestData.Text(0x00100020, DicomVR.LO, "B"), TestData.Text(0x00100010, DicomVR.PN, "A")),
            Is.EqualTo("""{"00100010":{"vr":"PN","Value":[{"Alphabetic":"A"}]},"00100020":{"vr":"LO","Value":["B"]}}"""));
}
