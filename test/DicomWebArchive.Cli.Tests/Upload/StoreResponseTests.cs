using DicomWebArchive.Cli.Upload;

namespace DicomWebArchive.Cli.Tests.Upload;

public sealed class StoreResponseTests
{
    [Test]
    public void Parse_StoredWarnedAndFailed_ReadsEveryItem()
    {
        const string body = """
            {"00081190":{"vr":"UR","Value":["http://x/studies/1"]},
             "00081199":{"vr":"SQ","Value":[
               {"00081155":{"vr":"UI","Value":["1.1"]}},
               {"00081155":{"vr":"UI","Value":["1.2"]},"00081196":{"vr":"US","Value":[45056]}}]},
             "00081198":{"vr":"SQ","Value":[{"00081197":{"vr":"US","Value":[49152]}}]}}
            """;

        var items = StoreResponse.Parse(body);

        Assert.That(items, Is.EqualTo(new[]
        {
            new StoreResponseItem("1.1", true, null, null),
            new StoreResponseItem("1.2", true, 0xB000, null),
            new StoreResponseItem(null, false, 0xC000, null),
        }));
        Assert.That(items![1].Describe(), Is.EqualTo("0xB000 coercion of data elements"));
        Assert.That(items[2].Describe(), Is.EqualTo("0xC000 cannot understand"));
    }

    [Test]
    public void Parse_EmptySequencesAsOrthancSendsThem_HasNoItems()
    {
        var items = StoreResponse.Parse("""{"00080005":{"Value":["ISO_IR 192"],"vr":"CS"},"00081198":{"vr":"SQ"},"00081199":{"vr":"SQ"}}""");

        Assert.That(items, Is.Empty);
    }

    [TestCase("<html>busy</html>")]
    [TestCase("\"text\"")]
    [TestCase("")]
    public void Parse_NotAStoreResponse_IsNull(string body) => Assert.That(StoreResponse.Parse(body), Is.Null);

    [Test]
    public void Parse_ReasonWrittenAsHexadecimalText_IsRead()
    {
        var items = StoreResponse.Parse("""{"00081198":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":["1.3"]},"00081197":{"vr":"US","Value":["0x0111"]}}]}}""");

        Assert.That(items![0].Describe(), Is.EqualTo("0x0111 duplicate SOP instance with different content"));
    }
}
