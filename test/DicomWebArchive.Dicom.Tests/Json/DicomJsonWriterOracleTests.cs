using System.Text.Json.Nodes;
using DicomWebArchive.Dicom.Json;
using DicomWebArchive.Dicom.Tests.Reader;
using DicomWebArchive.Dicom.Tests.Support;
using DicomWebArchive.Dicom.Text;

namespace DicomWebArchive.Dicom.Tests.Json;

/// <summary>
/// Our DICOM JSON for every valid corpus file against dcmtk's dcm2json, or against pydicom's
/// <c>to_json_dict</c> where dcm2json cannot convert the file. Every binary value is inlined on both
/// sides and compared byte for byte; tags, VRs, strings, PN groups, sequences and numbers are compared
/// exactly, numbers by value. Each normalisation below says why it is the oracle's quirk, not ours.
/// </summary>
public sealed class DicomJsonWriterOracleTests
{
    private static readonly DicomJsonOptions InlineEverything = new() { BulkDataThreshold = long.MaxValue };

    private static IEnumerable<string> ValidFiles() => Corpus.ValidFiles();

    /// <summary>Valid files dcm2json cannot read (exit 20), with why; pydicom is the oracle for them.</summary>
    private static readonly Dictionary<string, string> Dcm2jsonUnreadable = new()
    {
        ["test_files/SC_rgb_jpeg.dcm"] = "the meta group says explicit VR, the data set is implicit VR; dcmtk trusts the meta group",
    };

    [TestCaseSource(nameof(ValidFiles))]
    public async Task WriteDataset_CorpusFile_MatchesReferenceToolkit(string name)
    {
        var path = Corpus.PathOf(name);
        DicomFile file;
        await using (var stream = File.OpenRead(path))
        {
            file = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Load });
        }
        var ours = JsonNode.Parse(DicomJsonWriter.Serialize(file.Dataset, InlineEverything))!;
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", path);
        var theirs = UsesJis(file.Dataset) || exitCode != 0
            ? FromPydicom(name, exitCode, stderr, file.TransferSyntax.IsExplicitVR ? ours : null)
            : FromDcm2json(stdout, ours);
        Assert.That(JsonComparison.Differences(theirs, ours), Is.Empty);
    }

    /// <summary>
    /// Private elements read in implicit VR take the private dictionary's VR, as dcmtk gives them: DS, IS and
    /// binary numbers (multi-valued too), CS, LO, DA, TM, AT, OB, sequences whose items reserve their own blocks;
    /// an unknown creator's element stays UN; 8-bit Pixel Data is OW.
    /// </summary>
    [Test]
    public async Task WriteDataset_SiemensImplicitPrivateTags_MatchesDcm2json()
    {
        var bytes = SiemensImplicit.Create();
        var path = Path.Combine(Path.GetTempPath(), $"siemens-implicit-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var file = await DicomReader.ReadAsync(new MemoryStream(bytes), new DicomReaderOptions { PixelData = PixelDataHandling.Load });
            var ours = JsonNode.Parse(DicomJsonWriter.Serialize(file.Dataset, InlineEverything))!.AsObject();
            var pydicom = JsonNode.Parse(ExternalTool.Python(PydicomToJson, path))!.AsObject();
            var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", path);
            Assert.That(exitCode, Is.Zero, stderr);
            var dcm2json = FromDcm2json(stdout, ours).AsObject();
            // dcmtk's private dictionary has no SIEMENS MR HEADER (it writes UN): pydicom, whose dictionary ours comes from, is the oracle there.
            foreach (var key in SiemensImplicit.MrHeaderKeys)
            {
                Assert.That(ours[key]!["vr"]!.GetValue<string>(), Is.Not.EqualTo("UN"), key);
                Assert.That(JsonComparison.Differences(pydicom[key], ours[key]), Is.Empty, key);
                dcm2json.Remove(key);
                ours.Remove(key);
            }
            Assert.That(JsonComparison.Differences(dcm2json, ours), Is.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string PydicomToJson = """
        import json, sys, pydicom
        print(json.dumps(pydicom.dcmread(sys.argv[1]).to_json_dict(bulk_data_threshold=1 << 40)))
        """;

    /// <summary>dcm2json exits 81 on compressed pixel data and 80 on ISO 2022 IR 87, and garbles IR 87 text in items (its iconv has no JIS X 0208).</summary>
    private static bool UsesJis(DicomDataset dataset) => dataset.Any(element =>
        (element.Tag == DicomTags.SpecificCharacterSet && DicomCharacterSet.FromValue(element.Value.Span).Terms.Any(t => t.EndsWith("IR 87", StringComparison.Ordinal) || t.EndsWith("IR 159", StringComparison.Ordinal)))
        || (element.Items?.Any(UsesJis) ?? false));

    private static JsonNode FromDcm2json(string stdout, JsonNode ours)
    {
        var theirs = JsonNode.Parse(stdout)!;
        // dcm2json converts all text to UTF-8 and rewrites Specific Character Set to ISO_IR 192 to say so.
        JsonComparison.RemoveEverywhere(theirs, "00080005");
        JsonComparison.RemoveEverywhere(ours, "00080005");
        OracleNormalisation.Dcm2json(theirs, ours);
        return theirs;
    }

    /// <param name="oursIfExplicit">Our JSON when the file is explicit VR, whose private UN elements pydicom retypes.</param>
    private static JsonNode FromPydicom(string name, int dcm2jsonExitCode, string dcm2jsonError, JsonNode? oursIfExplicit)
    {
        var path = Corpus.PathOf(name);
        // 81: compressed pixel data; 80: ISO 2022 IR 87 unsupported by its iconv; 0: IR 87 in an item, converted wrongly.
        Assert.That(dcm2jsonExitCode, Is.AnyOf(0, 80, 81).Or.EqualTo(Dcm2jsonUnreadable.ContainsKey(name) ? 20 : 0), dcm2jsonError);
        var entry = PydicomJsonOracle.For(path);
        Assert.That(entry["error"], Is.Null, $"pydicom could not convert the file either (dcm2json exit {dcm2jsonExitCode}: {dcm2jsonError})");
        var theirs = entry["json"]!.DeepClone();
        OracleNormalisation.Pydicom(theirs);
        if (oursIfExplicit is not null)
        {
            OracleNormalisation.PydicomPrivateUN(theirs, oursIfExplicit);
        }
        return theirs;
    }
}
