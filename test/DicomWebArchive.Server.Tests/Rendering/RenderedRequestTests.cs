using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Server.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace DicomWebArchive.Server.Tests.Rendering;

public sealed class RenderedRequestTests
{
    [TestCase(null, RenderedFormat.Jpeg)]
    [TestCase("*/*", RenderedFormat.Jpeg)]
    [TestCase("image/*", RenderedFormat.Jpeg)]
    [TestCase("image/png", RenderedFormat.Png)]
    [TestCase("IMAGE/PNG", RenderedFormat.Png)]
    [TestCase("image/jpeg;q=0.5, image/png;q=0.9", RenderedFormat.Png)]
    [TestCase("application/pdf, image/png;q=0.1", RenderedFormat.Png)]
    [TestCase("multipart/related; type=\"image/png\"", RenderedFormat.Png)]
    [TestCase("multipart/related; type=image/jpeg", RenderedFormat.Jpeg)]
    public void Negotiate_Acceptable_Format(string? accept, RenderedFormat expected)
    {
        Assert.That(RenderedRequest.Negotiate(new StringValues(accept)), Is.EqualTo(expected));
    }

    [TestCase("application/pdf")]
    [TestCase("image/gif, video/mp4")]
    [TestCase("image/png;q=0")]
    [TestCase("multipart/related; type=\"application/dicom\"")]
    [TestCase(";;;")]
    public void Negotiate_NothingAcceptable_Null(string accept)
    {
        Assert.That(RenderedRequest.Negotiate(new StringValues(accept)), Is.Null);
    }

    [TestCase("40,400", 40, 400, VoiFunction.Linear)]
    [TestCase(" -600.5 , 1500 ", -600.5, 1500, VoiFunction.Linear)]
    [TestCase("40,400,LINEAR-EXACT", 40, 400, VoiFunction.LinearExact)]
    [TestCase("1e2,5e1,sigmoid", 100, 50, VoiFunction.Sigmoid)]
    [TestCase("0,0.5,linear-exact", 0, 0.5, VoiFunction.LinearExact)]
    public void ParseWindow_Valid_Parsed(string text, double center, double width, VoiFunction function)
    {
        Assert.That(RenderedRequest.ParseWindow(text), Is.EqualTo(new VoiWindow(center, width, function)));
    }

    [TestCase("")]
    [TestCase("40")]
    [TestCase("40,400,linear,4")]
    [TestCase("40,0.5")]
    [TestCase("40,-1,sigmoid")]
    [TestCase("Infinity,400")]
    [TestCase("40,400,gamma")]
    public void ParseWindow_Invalid_Null(string text)
    {
        Assert.That(RenderedRequest.ParseWindow(text), Is.Null);
    }

    [TestCase("256,128", 256, 128)]
    [TestCase(" 1 , 8192 ", 1, 8192)]
    public void ParseViewport_Valid_Parsed(string text, int width, int height)
    {
        Assert.That(RenderedRequest.ParseViewport(text), Is.EqualTo((width, height)));
    }

    [TestCase("256")]
    [TestCase("0,10")]
    [TestCase("10,8193")]
    [TestCase("10,10,0,0,5,5")]
    [TestCase("1.5,2")]
    public void ParseViewport_Invalid_Null(string text)
    {
        Assert.That(RenderedRequest.ParseViewport(text), Is.Null);
    }

    [Test]
    public void Parse_Thumbnail_DefaultViewportAndQuality()
    {
        var context = new DefaultHttpContext();

        var options = RenderedRequest.Parse(context.Request, thumbnail: true, out _, out string? error);

        Assert.That(error, Is.Null);
        Assert.That((options!.Viewport, options.Quality, options.Format), Is.EqualTo(((128, 128), 90, RenderedFormat.Jpeg)));
    }

    [Test]
    public void Parse_QueryAcceptOverridesHeader()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?accept=image/png&quality=75&unknown=x");
        context.Request.Headers.Accept = "application/pdf";

        var options = RenderedRequest.Parse(context.Request, thumbnail: false, out _, out string? error);

        Assert.That(error, Is.Null);
        Assert.That((options!.Format, options.Quality, options.Viewport), Is.EqualTo((RenderedFormat.Png, 75, ((int, int)?)null)));
    }

    [Test]
    public void Parse_UnacceptableAccept_406WithMessage()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = "application/pdf";

        var options = RenderedRequest.Parse(context.Request, thumbnail: false, out int status, out string? error);

        Assert.That((options, status), Is.EqualTo(((RenderOptions?)null, 406)));
        Assert.That(error, Does.Contain("image/jpeg"));
    }
}
