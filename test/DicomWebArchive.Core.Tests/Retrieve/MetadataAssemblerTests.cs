using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Retrieve;

namespace DicomWebArchive.Core.Tests.Retrieve;

public sealed class MetadataAssemblerTests
{
    [Test]
    public async Task WriteArrayAsync_TwoInstances_ArrayWithPrefixedBulkDataUris()
    {
        var first = Record("1.2.3", """{"7FE00010":{"vr":"OW","BulkDataURI":"studies/1/series/2/instances/3/bulkdata/7FE00010"}}""");
        var second = Record("1.2.4", """{"00100010":{"vr":"PN","Value":[{"Alphabetic":"A\"BulkDataURI\":\"x"}]}}""");
        using var output = new MemoryStream();

        await MetadataAssembler.WriteArrayAsync(output, [first, second], "http://host/dicomweb/", CancellationToken.None);

        using var json = JsonDocument.Parse(output.ToArray());
        Assert.That(json.RootElement.GetArrayLength(), Is.EqualTo(2));
        Assert.That(json.RootElement[0].GetProperty("7FE00010").GetProperty("BulkDataURI").GetString(),
            Is.EqualTo("http://host/dicomweb/studies/1/series/2/instances/3/bulkdata/7FE00010"));
        Assert.That(json.RootElement[1].GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString(),
            Is.EqualTo("A\"BulkDataURI\":\"x"), "text that looks like the property inside a value is left alone");
    }

    private static InstanceContent Record(string sop, string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }
        return new InstanceContent
        {
            StudyInstanceUid = "1",
            SeriesInstanceUid = "2",
            SopInstanceUid = sop,
            TransferSyntaxUid = "1.2.840.10008.1.2.1",
            Size = 1,
            Sha256 = [1, 2],
            BlobKey = "k",
            MetadataJson = buffer.ToArray(),
        };
    }
}
