using DicomWebArchive.Core.Retrieve;

namespace DicomWebArchive.Core.Tests.Retrieve;

public sealed class MediaRangeTests
{
    [TestCase("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")]
    [TestCase("multipart/related; type=application/octet-stream; transfer-syntax=*")]
    [TestCase("Multipart/Related;Type=\"application/octet-stream\";transfer-syntax=\"*\"")]
    public void ParseList_QuotedOrUnquotedType_SameRange(string header)
    {
        var ranges = MediaRange.ParseList(header, null);

        Assert.That(ranges, Is.EqualTo(new[] { new MediaRange("multipart/related", "application/octet-stream", "*", 1) }));
    }

    [Test]
    public void ParseList_SeveralRangesWithQ_BestFirstStable()
    {
        var ranges = MediaRange.ParseList("application/dicom;q=0.5, multipart/related; type=\"application/dicom\", application/zip;q=0.5, */*;q=0", null);

        Assert.That(ranges.Select(r => r.MediaType), Is.EqualTo(new[] { "multipart/related", "application/dicom", "application/zip" }));
    }

    [Test]
    public void ParseList_QueryParameter_OverridesHeader()
    {
        var ranges = MediaRange.ParseList("multipart/related; type=\"application/dicom\"", "application/zip");

        Assert.That(ranges.Single().MediaType, Is.EqualTo("application/zip"));
    }

    [TestCase(null)]
    [TestCase("")]
    public void ParseList_NoAccept_AnyType(string? header)
    {
        Assert.That(MediaRange.ParseList(header, null).Single().MediaType, Is.EqualTo("*/*"));
    }

    [TestCase("garbage")]
    [TestCase("a/b/c")]
    [TestCase("/json")]
    [TestCase(";;;,,,")]
    public void ParseList_Garbage_Ignored(string header)
    {
        Assert.That(MediaRange.ParseList(header, null), Is.Empty);
    }

    [Test]
    public void ParseList_CommaInsideQuotes_DoesNotSplit()
    {
        var ranges = MediaRange.ParseList("multipart/related; type=\"application/dicom\"; x=\"a,b\", application/zip", null);

        Assert.That(ranges.Select(r => r.MediaType), Is.EqualTo(new[] { "multipart/related", "application/zip" }));
    }

    [TestCase("q=abc")]
    [TestCase("q=7")]
    public void TryParse_BadQuality_TreatedAsOne(string parameter)
    {
        Assert.That(MediaRange.TryParse("application/dicom;" + parameter, out var range), Is.True);
        Assert.That(range.Quality, Is.EqualTo(1));
    }
}
