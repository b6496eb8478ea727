using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace DicomWebArchive.Dicom.Tests.Reader;

// Every attribute (sequences included) of a few files, compared with what pydicom reads.
public sealed partial class DicomReaderTests
{
    private static readonly string[] AttributeFiles =
    [
        "test_files/CT_small.dcm",
        "test_files/MR_small_bigendian.dcm",
        "test_files/ExplVR_BigEnd.dcm",
        "test_files/liver_expb_1frame.dcm",
        "test_files/image_dfl.dcm",
        "test_files/rtplan.dcm",
        "test_files/test-SR.dcm",
        "test_files/UN_sequence.dcm",
        "test_files/rtdose_rle.dcm",
        "test_files/priv_SQ.dcm",
        "charset_files/chrH31.dcm",
    ];

    private static readonly Lazy<JsonDocument> s_attributeOracle = new(() => PydicomScript.Run("attributes", AttributeFiles.Select(Corpus.PathOf)));

    private static IEnumerable<string> AttributeCases() => AttributeFiles;

    [TestCaseSource(nameof(AttributeCases))]
    public async Task ReadAsync_File_AttributesMatchPydicom(string name)
    {
        var file = await DicomReader.ReadAsync(File.OpenRead(Corpus.PathOf(name)), new DicomReaderOptions { PixelData = PixelDataHandling.Load });
        var ours = new Dictionary<string, DicomElement>();
        Index(file.Dataset, "", ours);
        int compared = 0;
        foreach (var expected in s_attributeOracle.Value.RootElement.GetProperty(Corpus.PathOf(name)).EnumerateArray())
        {
            var path = expected.GetProperty("path").GetString()!;
            Assert.That(ours.TryGetValue(path, out var element), Is.True, $"{name}: {path} missing");
            var vr = expected.GetProperty("vr").GetString()!;
            bool privateTag = new DicomTag(uint.Parse(path[^8..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).IsPrivate;
            // pydicom applies its private dictionary (and known VRs to UN) where we keep the bytes as UN.
            if (!(element!.VR == DicomVR.UN && (privateTag || vr != "UN")) && !vr.Contains(" or ", StringComparison.Ordinal))
            {
                Assert.That(element.VR.ToCode(), Is.EqualTo(vr), $"{name}: VR of {path}");
            }
            if (expected.TryGetProperty("items", out var items))
            {
                Assert.That(element.Items, Has.Count.EqualTo(items.GetInt32()), $"{name}: items of {path}");
            }
            if (expected.TryGetProperty("text", out var text))
            {
                Assert.That(Convert.ToHexStringLower(element.Value.Span), Is.EqualTo(text.GetString()), $"{name}: value of {path}");
                compared++;
            }
            if (expected.TryGetProperty("numbers", out var numbers) && element.VR != DicomVR.UN)
            {
                Assert.That(Numbers(element), Is.EqualTo(numbers.EnumerateArray().Select(n => n.GetDouble()).ToArray()), $"{name}: numbers of {path}");
                compared++;
            }
        }
        Assert.That(compared, Is.GreaterThan(0), $"{name}: values compared");
    }

    private static void Index(DicomDataset dataset, string prefix, Dictionary<string, DicomElement> index)
    {
        foreach (var element in dataset)
        {
            var path = prefix + element.Tag;
            index[path] = element;
            for (int i = 0; i < (element.Items?.Count ?? 0); i++)
            {
                Index(element.Items![i], $"{path}/{i}/", index);
            }
        }
    }

    // Values are little endian whatever the file's byte order.
    private static double[] Numbers(DicomElement element)
    {
        var span = element.Value.Span;
        int size = element.VR.ValueSize();
        var numbers = new double[span.Length / size];
        for (int i = 0; i < numbers.Length; i++)
        {
            var value = span.Slice(i * size, size);
            numbers[i] = element.VR switch
            {
                DicomVR.US => BinaryPrimitives.ReadUInt16LittleEndian(value),
                DicomVR.SS => BinaryPrimitives.ReadInt16LittleEndian(value),
                DicomVR.UL => BinaryPrimitives.ReadUInt32LittleEndian(value),
                DicomVR.SL => BinaryPrimitives.ReadInt32LittleEndian(value),
                DicomVR.FL => BinaryPrimitives.ReadSingleLittleEndian(value),
                DicomVR.FD => BinaryPrimitives.ReadDoubleLittleEndian(value),
                DicomVR.SV => BinaryPrimitives.ReadInt64LittleEndian(value),
                DicomVR.UV => BinaryPrimitives.ReadUInt64LittleEndian(value),
                _ => throw new InvalidOperationException(element.VR.ToCode()),
            };
        }
        return numbers;
    }
}
