using DicomWebArchive.Server.Http;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Tests.Http;

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
        Assert.That((mediaType!.Name, mediaType.PartType, mediaType["boundary"]), Is.EqualTo(("multipart/related", "application/dicom", "abc")));
    }

    [TestCase("")]
    [TestCase("dicom")]
    [TestCase("/dicom")]
    [TestCase("application/")]
    [TestCase("application dicom/x")]
    [TestCase("a/b/c")]
    public void Parse_Malformed_Null(string header) => Assert.That(MediaType.Parse(header), Is.Null);

    [Test]
    public void Parse_QuotedBoundaryWithSeparators_KeptWhole()
    {
        var mediaType = MediaType.Parse("multipart/related; boundary=\"a;b,c=d\"; type=application/dicom");

        Assert.That(mediaType!["boundary"], Is.EqualTo("a;b,c=d"));
    }

    [TestCase("multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")]
    [TestCase("multipart/related; type=application/octet-stream; transfer-syntax=*")]
    [TestCase("Multipart/Related;Type=\"application/octet-stream\";transfer-syntax=\"*\"")]
    public void ParseAccept_QuotedOrUnquotedType_SameRange(string header)
    {
        var range = MediaType.ParseAccept(header).Single();

        Assert.That((range.Name, range.PartType, range.TransferSyntax, range.Quality), Is.EqualTo(("multipart/related", "application/octet-stream", "*", 1.0)));
    }

    [Test]
    public void ParseAccept_SeveralValuesWithQ_BestFirstStable()
    {
        var ranges = MediaType.ParseAccept(new StringValues(["application/dicom;q=0.5, multipart/related; type=\"application/dicom\"", "application/zip;q=0.5, */*;q=0"]));

        Assert.That(ranges.Select(r => (r.Name, r.Quality)), Is.EqualTo(new[] { ("multipart/related", 1.0), ("application/dicom", 0.5), ("application/zip", 0.5) }));
    }

    [Test]
    public void ParseAccept_QueryParameter_OverridesHeader()
    {
        var ranges = MediaType.ParseAccept("multipart/related; type=\"application/dicom\"", "application/zip");

        Assert.That(ranges.Single().Name, Is.EqualTo("application/zip"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void ParseAccept_NoAccept_AnyType(string? header) => Assert.That(MediaType.ParseAccept(header).Single().Name, Is.EqualTo("*/*"));

    [TestCase("garbage")]
    [TestCase("a/b/c")]
    [TestCase("/json")]
    [TestCase(";;;,,,")]
    public void ParseAccept_Garbage_Ignored(string header) => Assert.That(MediaType.ParseAccept(header), Is.Empty);

    [Test]
    public void ParseAccept_CommaInsideQuotes_DoesNotSplit()
    {
        var ranges = MediaType.ParseAccept("multipart/related; type=\"application/dicom\"; x=\"a,b\", application/zip");

        Assert.That(ranges.Select(r => r.Name), Is.EqualTo(new[] { "multipart/related", "application/zip" }));
    }

    [TestCase("q=abc")]
    [TestCase("q=7")]
    public void Parse_BadQuality_TreatedAsOne(string parameter) =>
        Assert.That(MediaType.Parse("application/dicom;" + parameter)!.Quality, Is.EqualTo(1));

    [Test]
    public void WithTransferSyntax_Range_CopyWithSyntax()
    {
        var range = MediaType.Parse("application/octet-stream; q=0.5")!;

        var changed = range.WithTransferSyntax("*");

        Assert.That((changed.Name, changed.TransferSyntax, changed.Quality, range.TransferSyntax), Is.EqualTo(("application/octet-stream", "*", 0.5, (string?)null)));
    }
}
