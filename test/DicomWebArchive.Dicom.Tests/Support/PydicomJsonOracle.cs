using System.Text.Json.Nodes;

namespace DicomWebArchive.Dicom.Tests.Support;

/// <summary>
/// pydicom's view of the corpus, computed by one Debian python3 process per test run (pydicom import
/// is slow): per file, <c>Dataset.to_json_dict</c> with every binary value inlined, and every Person
/// Name in the file (sequence items included, in file order) decoded and split into groups. Nothing is cached outside the process.
/// </summary>
internal static class PydicomJsonOracle
{
    private const string Script = """
        import json, sys, pydicom
        from pydicom.multival import MultiValue
        out = {}
        for path in sys.argv[1:]:
            entry = {}
            try:
                ds = pydicom.dcmread(path, force=True)
                try:
                    entry["json"] = ds.to_json_dict(bulk_data_threshold=1 << 40)
                except Exception as e:
                    entry["error"] = "to_json_dict: %r" % (e,)
                names = []
                for element in ds.iterall():
                    if element.VR == "PN":
                        values = element.value if isinstance(element.value, MultiValue) else ([] if element.value is None or element.value == "" else [element.value])
                        names.append(["%08X" % element.tag] + [[str(v)] + (list(v.components) + ["", "", ""])[:3] for v in values])
                entry["names"] = names
            except Exception as e:
                entry["error"] = repr(e)
            out[path] = entry
        json.dump(out, sys.stdout)
        """;

    private static readonly Lazy<JsonObject> Results = new(Compute);

    public static JsonObject For(string path) =>
        Results.Value[path] as JsonObject ?? throw new InvalidOperationException($"pydicom produced nothing for {path}.");

    private static JsonObject Compute()
    {
        var files = Reader.Corpus.Files().Select(Reader.Corpus.PathOf).ToArray();
        return JsonNode.Parse(ExternalTool.Python(Script, files))!.AsObject();
    }
}
