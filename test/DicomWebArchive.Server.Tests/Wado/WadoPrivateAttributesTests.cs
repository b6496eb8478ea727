using System.Globalization;
using System.Text.Json.Nodes;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>
/// Private attributes end to end: an implicit VR file as older Siemens scanners write it, stored through STOW-RS, comes
/// back from WADO-RS metadata with its private dictionary VRs and values, as dcm2json reads the same file.
/// </summary>
public sealed class WadoPrivateAttributesTests
{
    // dcmtk's private dictionary has no SIEMENS MR HEADER (dcm2json writes UN there); ours, from pydicom's, has these VRs.
    private static readonly Dictionary<string, string> MrHeaderVRs = new()
    {
        ["0019100A"] = "US",
        ["0019100C"] = "IS",
        ["0019100E"] = "FD",
        ["00191028"] = "FD",
    };

    [Test]
    public async Task RetrieveMetadata_SiemensImplicitVrFile_PrivateAttributesAsDcm2jsonReadsThem()
    {
        var bytes = SiemensImplicit.Create();
        await using var factory = new ArchiveFactory();
        using var client = factory.CreateClient();
        var stored = await StowRequests.PostAsync(client, StowRequests.Multipart([bytes]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        var ours = JsonNode.Parse(await client.GetStringAsync(stored.Referenced.Single().RetrieveUrl + "/metadata"))!.AsArray().Single()!.AsObject();
        await InlineBulkDataAsync(client, ours);
        using var directory = new TempDirectory("dwa-private-");
        string path = directory.Combine("siemens.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        var (exitCode, stdout, stderr) = ExternalTool.Run("dcm2json", "-fc", path);
        Assert.That(exitCode, Is.Zero, stderr);
        var theirs = JsonNode.Parse(stdout)!.AsObject();

        Assert.Multiple(() =>
        {
            foreach (var (key, vr) in MrHeaderVRs)
            {
                Assert.That(ours[key]?["vr"]?.GetValue<string>(), Is.EqualTo(vr), key);
                Assert.That(theirs[key]?["vr"]?.GetValue<string>(), Is.EqualTo("UN"), $"{key}: dcmtk does not know this creator");
            }
            Assert.That(ours["00191142"]?["vr"]?.GetValue<string>(), Is.EqualTo("US"), "a private element read in implicit VR takes its dictionary VR");
            Assert.That(ours["00431001"]?["vr"]?.GetValue<string>(), Is.EqualTo("UN"), "an unknown creator's element stays UN");
        });
        foreach (var key in MrHeaderVRs.Keys)
        {
            ours.Remove(key);
            theirs.Remove(key);
        }
        NormaliseNumbers(ours);
        NormaliseNumbers(theirs);
        Assert.That(JsonDiff.Differences(theirs, ours), Is.Empty);
    }

    /// <summary>BulkDataURI (large values, Pixel Data) where dcm2json inlines every binary value: fetched from the archive and inlined.</summary>
    private static async Task InlineBulkDataAsync(HttpClient client, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject attribute when attribute["BulkDataURI"] is JsonValue uri:
                using (var response = await client.SendAsync(WadoResponses.Get(uri.GetValue<string>(), "multipart/related; type=application/octet-stream; transfer-syntax=*")))
                {
                    Assert.That((int)response.StatusCode, Is.EqualTo(200), uri.GetValue<string>());
                    var body = (await WadoResponses.ReadPartsAsync(response)).Single().Body;
                    attribute.Remove("BulkDataURI");
                    attribute["InlineBinary"] = Convert.ToBase64String(body);
                }
                break;
            case JsonObject obj:
                foreach (var (_, value) in obj.ToList())
                {
                    await InlineBulkDataAsync(client, value);
                }
                break;
            case JsonArray array:
                foreach (var item in array.ToList())
                {
                    await InlineBulkDataAsync(client, item);
                }
                break;
        }
    }

    /// <summary>DS and IS values are numbers in DICOM JSON; dcm2json copies their text ("2.5E2"), so they compare by value.</summary>
    private static void NormaliseNumbers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj.ToList())
                {
                    NormaliseNumbers(value);
                }
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                    {
                        array[i] = value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        NormaliseNumbers(array[i]);
                    }
                }
                break;
        }
    }
}
