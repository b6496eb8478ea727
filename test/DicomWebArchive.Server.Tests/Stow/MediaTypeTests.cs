using DicomWebArchive.Server.Stow;

namespace DicomWebArchive.Server.Tests.Stow;

public sealed class MediaTypeTests
{
    [TestCase("multipart/related; type=\"application/dicom\"; boundary=abc")]
    [TestCase("multipart/related; type=application/dicom; boundary=abc")]
    [TestCase("Multipart/Related;boundary=\"abc\";TYPE=\"application/dicom\"")]
    [TestCase("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; boundary=abc")]
    public void Parse_StowContentTypeVariants_TypeAndBoundary(string header)
    {
        var mediaType = MediaType.Parse(header);

        Assert.That(mediaType, Is.Not.Null);
        Assert.That((mediaType!.Name, mediaType["type"], mediaType["boundary"]), Is.EqualTo(("multipart/related", "application/dicom", "abc")));
    }

    [TestCase("")]
    [TestCase("dicom")]
    [TestCase("/dicom")]
    [TestCase("application/")]
    [TestCase("application dicom/x")]
    public void Parse_Malformed_Null(string header) => Assert.That(MediaType.Parse(header), Is.Null);

    [Test]
    public void Parse_QuotedBoundaryWithSeparators_KeptWhole()
    {
        var mediaType = MediaType.Parse("multipart/related; boundary=\"a;b,c=d\"; type=application/dicom");

        Assert.That(mediaType!["boundary"], Is.EqualTo("a;b,c=d"));
    }

    [Test]
    public void ParseList_AcceptWithQualities_AllRangesInOrder()
    {
        var ranges = MediaType.ParseList(new Microsoft.Extensions.Primitives.StringValues(["application/dicom+xml;q=0.5, multipart/related; type=application/dicom+json", "*/*;q=0.1"]));

        Assert.That(ranges.Select(r => (r.Name, r.Quality)), Is.EqualTo(new[] { ("application/dicom+xml", 0.5), ("multipart/related", 1.0), ("*/*", 0.1) }));
    }
}
