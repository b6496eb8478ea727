using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Xml;

namespace DicomWebArchive.Dicom.Tests.Xml;

public sealed class DicomXmlWriterTests
{
    private static readonly XNamespace Native = DicomXmlWriter.Namespace;

    [Test]
    public void WriteDocument_EveryContentKind_NativeDicomModel()
    {
        var xml = Write("""
            {"00080060":{"vr":"CS","Value":["CT",null,"MR"]},
             "00100010":{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎"}]},
             "00201208":{"vr":"IS","Value":[4]},
             "00081199":{"vr":"SQ","Value":[{"00081150":{"vr":"UI","Value":["1.2.3"]}},{}]},
             "7FE00010":{"vr":"OW","BulkDataURI":"http://x/bulkdata/7FE00010"},
             "00091001":{"vr":"OB","InlineBinary":"AAE="},
             "00100030":{"vr":"DA"}}
            """);
        var root = xml.Root!;
        Assert.That(root.Name, Is.EqualTo(Native + "NativeDicomModel"));
        var modality = Attribute(root, "00080060");
        Assert.That(modality.Attribute("keyword")!.Value, Is.EqualTo("Modality"));
        Assert.That(modality.Elements(Native + "Value").Select(v => (v.Attribute("number")!.Value, v.Value)), Is.EqualTo(new[] { ("1", "CT"), ("3", "MR") }));
        var name = Attribute(root, "00100010").Element(Native + "PersonName")!;
        Assert.That(name.Element(Native + "Alphabetic")!.Element(Native + "FamilyName")!.Value, Is.EqualTo("Yamada"));
        Assert.That(name.Element(Native + "Ideographic")!.Element(Native + "GivenName")!.Value, Is.EqualTo("太郎"));
        Assert.That(Attribute(root, "00201208").Element(Native + "Value")!.Value, Is.EqualTo("4"));
        var items = Attribute(root, "00081199").Elements(Native + "Item").ToList();
        Assert.That(items.Select(i => i.Attribute("number")!.Value), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(Attribute(items[0], "00081150").Element(Native + "Value")!.Value, Is.EqualTo("1.2.3"));
        Assert.That(Attribute(root, "7FE00010").Element(Native + "BulkData")!.Attribute("uri")!.Value, Is.EqualTo("http://x/bulkdata/7FE00010"));
        Assert.That(Attribute(root, "00091001").Element(Native + "InlineBinary")!.Value, Is.EqualTo("AAE="));
        Assert.That(Attribute(root, "00100030").HasElements, Is.False);
    }

    [Test]
    public void WriteDocument_ControlCharactersInStoredText_ReplacedNotFatal()
    {
        var xml = Write("""{"00081030":{"vr":"LO","Value":["CT\u0001HEAD 山田"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Doe\u0007^Jane"}]}}""");
        Assert.That(Attribute(xml.Root!, "00081030").Element(Native + "Value")!.Value, Is.EqualTo("CT\uFFFDHEAD 山田"));
        Assert.That(Attribute(xml.Root!, "00100010").Descendants(Native + "FamilyName").Single().Value, Is.EqualTo("Doe\uFFFD"));
    }

    [Test]
    public void WriteDocument_NotAnObject_Throws() =>
        Assert.Throws<FormatException>(() => Write("""{"00100010":{"vr":"SQ","Value":[3]}}"""));

    /// <summary>Our JSON turned into XML says what dcmtk's own Native DICOM Model writer says, attribute by attribute.</summary>
    [TestCase("test_files/CT_small.dcm")]
    [TestCase("test_files/MR_small.dcm")]
    [TestCase("test_files/rtplan.dcm")]
    [TestCase("charset_files/chrRuss.dcm")]
    [TestCase("charset_files/chrGreek.dcm")]
    [TestCase("charset_files/chrFrenMulti.dcm")]
    public async Task WriteDocument_CorpusFile_MatchesDcm2xml(string name)
    {
        var path = PydicomCorpus.PathOf(name);
        DicomFile file;
        await using (var stream = File.OpenRead(path))
        {
            file = await DicomReader.ReadAsync(stream);
        }
        CompareWithDcm2xml(name, path, file, []);
    }

    [Test]
    public async Task WriteDocument_SiemensImplicitPrivateTags_MatchesDcm2xml()
    {
        var bytes = SiemensImplicit.Create();
        var path = Path.Combine(Path.GetTempPath(), $"siemens-implicit-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var file = await DicomReader.ReadAsync(new MemoryStream(bytes));
            // dcmtk has no SIEMENS MR HEADER in its private dictionary, so it writes those elements as UN. A private
            // element's tag attribute keeps only the element's low byte (its creator is named apart, PS3.19 A.1.5).
            CompareWithDcm2xml("Siemens implicit VR", path, file, [.. SiemensImplicit.MrHeaderKeys.Select(k => k[..4] + "00" + k[6..])]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void CompareWithDcm2xml(string name, string path, DicomFile file, string[] skippedTags)
    {
        var ours = Write(DicomJsonWriter.Serialize(file.Dataset, new DicomJsonOptions { BulkDataUri = _ => "http://x/bulk" }));
        var (exit, stdout, stderr) = ExternalTool.Run("dcm2xml", "--native-format", "+U8", path);
        Assert.That(exit, Is.Zero, stderr);
        var theirs = XDocument.Parse(stdout);

        var expected = Flatten(theirs.Root!, "");
        var actual = Flatten(ours.Root!, "");
        foreach (var key in actual.Keys.Where(k => skippedTags.Any(t => k.StartsWith(t, StringComparison.Ordinal))).ToList())
        {
            actual.Remove(key);
        }
        Assert.That(actual.Keys.Except(expected.Keys), Is.Empty, $"{name}: only in ours");
        Assert.That(expected.Keys.Except(actual.Keys), Is.Empty, $"{name}: only in dcm2xml");
        foreach (var (key, value) in expected)
        {
            Assert.That(actual[key], Is.EqualTo(value), $"{name} {key}");
        }
    }

    /// <summary>Path → value text of every comparable leaf: binary values, group 0002 and the character set (dcm2xml rewrites it) aside.</summary>
    private static Dictionary<string, string> Flatten(XElement container, string prefix)
    {
        var leaves = new Dictionary<string, string>();
        foreach (var attribute in container.Elements().Where(e => e.Name.LocalName == "DicomAttribute"))
        {
            var tag = attribute.Attribute("tag")!.Value;
            var vr = attribute.Attribute("vr")!.Value;
            if (tag.StartsWith("0002", StringComparison.Ordinal) || tag == "00080005" || vr is "OB" or "OW" or "OD" or "OF" or "OL" or "OV" or "UN")
            {
                continue;
            }
            var path = $"{prefix}{tag}";
            leaves[path] = vr;
            foreach (var child in attribute.Elements())
            {
                var number = child.Attribute("number")?.Value ?? "";
                switch (child.Name.LocalName)
                {
                    case "Item":
                        foreach (var (key, value) in Flatten(child, $"{path}/{number}/"))
                        {
                            leaves[key] = value;
                        }
                        break;
                    case "PersonName":
                        leaves[$"{path}#{number}"] = string.Join("=", child.Elements().Select(g => g.Name.LocalName + ":" + string.Join("^", g.Elements().Select(c => c.Name.LocalName + "=" + c.Value))));
                        break;
                    case "Value" when child.Value.Length > 0:
                        leaves[$"{path}#{number}"] = Normalize(vr, child.Value);
                        break;
                }
            }
        }
        return leaves;
    }

    // DS/IS/FD/FL: our JSON writes numbers, dcmtk copies the text; compare the numbers.
    private static string Normalize(string vr, string text) =>
        vr is "DS" or "IS" or "FD" or "FL" or "SL" or "SS" or "UL" or "US" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? ((float)number).ToString("R", CultureInfo.InvariantCulture)
            : text.Trim();

    private static XElement Attribute(XElement container, string tag) =>
        container.Elements(Native + "DicomAttribute").Single(a => a.Attribute("tag")!.Value == tag);

    private static XDocument Write(string json)
    {
        using var document = JsonDocument.Parse(json);
        var builder = new StringBuilder();
        using (var xml = XmlWriter.Create(builder))
        {
            DicomXmlWriter.WriteDocument(xml, document.RootElement);
        }
        return XDocument.Parse(builder.ToString());
    }
}
