using System.Net;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Dicom;
using DicomWebArchive.Server.Rendering;
using DicomWebArchive.Server.Tests.Support;
using SkiaSharp;

namespace DicomWebArchive.Server.Tests.Rendering;

/// <summary>Rendered and thumbnail resources over corpus files stored through STOW, compared with pydicom + numpy renderings.</summary>
public sealed class RenderedEndpointsTests
{
    private RenderingArchive _archive = null!;

    /// <summary>File, frame, requested window (null: the data set's or automatic), allowed mean difference per channel.</summary>
    public static IEnumerable<TestCaseData> PngCases()
    {
        // Native: signed with rescale and no window (automatic), dataset window, big endian, implicit, deflated,
        // 1-bit, 32-bit multi-frame, RGB, odd size, YBR 4:2:2, a requested window of each function.
        (string File, int Frame, string? Window)[] native =
        [
            ("CT_small.dcm", 1, null), ("MR_small.dcm", 1, null), ("MR_small_bigendian.dcm", 1, null),
            ("MR_small_implicit.dcm", 1, null), ("image_dfl.dcm", 1, null), ("liver_1frame.dcm", 1, null),
            ("rtdose_rle.dcm>native", 1, null), ("rtdose_rle.dcm>native", 15, null),
            ("SC_rgb_rle_2frame.dcm>native", 2, null), ("SC_rgb_rle_16bit.dcm>native", 1, null), ("ExplVR_BigEnd.dcm", 1, null), ("SC_rgb_small_odd.dcm", 1, null),
            ("SC_rgb_jpeg_dcmd.dcm", 1, null), ("SC_ybr_full_422_uncompressed.dcm", 1, null),
            ("CT_small.dcm", 1, "40,400"), ("MR_small.dcm", 1, "500,300,linear-exact"), ("MR_small.dcm", 1, "700,400,sigmoid"),
        ];
        (string File, int Frame, string? Window)[] rle =
        [
            ("MR_small_RLE.dcm", 1, null), ("SC_rgb_rle.dcm", 1, null), ("SC_rgb_rle_2frame.dcm", 2, null),
            ("SC_rgb_rle_16bit.dcm", 1, null), ("SC_rgb_rle_32bit_2frame.dcm", 2, null), ("rtdose_rle.dcm", 3, null),
        ];
        (string File, int Frame, string? Window)[] synthetic =
        [
            ("palette8.dcm@synthetic", 1, null), ("palette16.dcm@synthetic", 1, null), ("enhanced.dcm@synthetic", 1, null), ("enhanced.dcm@synthetic", 2, null),
            ("mlut.dcm@synthetic", 1, null), ("mlut.dcm@synthetic", 1, "1000,1500"), ("mlut_signed.dcm@synthetic", 1, null),
            ("vlut.dcm@synthetic", 1, null), ("vlut.dcm@synthetic", 1, "40,400"), ("vlut8.dcm@synthetic", 1, null), ("sigmoid.dcm@synthetic", 1, null),
            ("segmented8.dcm@synthetic", 1, null), ("segmented16.dcm@synthetic", 1, null),
            ("be8.dcm@synthetic", 1, null), ("be8.dcm@synthetic", 2, null), ("be8_rgb.dcm@synthetic", 1, null),
        ];
        // JPEG decoders differ by a level or two (IDCT, chroma upsampling, color conversion).
        (string File, int Frame, string? Window)[] jpeg =
        [
            ("SC_rgb_jpeg_dcmtk.dcm", 1, null), ("SC_rgb_dcmtk_+eb+cr.dcm", 1, null), ("SC_rgb_dcmtk_+eb+cy+n1.dcm", 1, null),
            ("SC_rgb_dcmtk_+eb+cy+np.dcm", 1, null), ("SC_rgb_jpeg.dcm", 1, null), ("SC_rgb_small_odd_jpeg.dcm", 1, null),
            ("SC_jpeg_no_color_transform.dcm", 1, null), ("SC_jpeg_no_color_transform_2.dcm", 1, null), ("SC_rgb_jpeg_app14_dcmd.dcm", 1, null),
        ];
        foreach (var (file, frame, window) in native.Concat(rle).Concat(synthetic))
        {
            yield return new TestCaseData(file, frame, window, 1.0).SetName($"GetFrameRendered_Png_{file.Replace(">", "_", StringComparison.Ordinal).Replace("@", "_", StringComparison.Ordinal)}_{frame}_{window ?? "default"}_MatchesReference");
        }
        foreach (var (file, frame, window) in jpeg)
        {
            yield return new TestCaseData(file, frame, window, 4.0).SetName($"GetFrameRendered_Png_{file.Replace(">", "_", StringComparison.Ordinal).Replace("@", "_", StringComparison.Ordinal)}_{frame}_{window ?? "default"}_MatchesReference");
        }
    }

    [OneTimeSetUp]
    public void SetUp() => _archive = new RenderingArchive();

    [OneTimeTearDown]
    public async Task TearDown() => await _archive.DisposeAsync();

    [TestCaseSource(nameof(PngCases))]
    public async Task GetFrameRendered_Png_MatchesReference(string file, int frame, string? window, double tolerance)
    {
        var (client, instance) = await _archive.StoreAsync(file);
        var reference = ReferenceRendering.Render([(file, frame, window)])[0];
        string query = window is null ? "" : $"?window={window}";

        using var response = await GetAsync(client, $"{instance}/frames/{frame}/rendered{query}", "image/png");

        using var bitmap = await DecodeAsync(response, "image/png");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((reference.Width, reference.Height)));
        var difference = reference.MeanAbsoluteDifference(bitmap);
        TestContext.Out.WriteLine($"{file} frame {frame}: mean absolute difference per channel {string.Join(", ", difference.Select(d => d.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.That(difference, Has.All.LessThanOrEqualTo(tolerance));
    }

    [TestCase("CT_small.dcm")]
    [TestCase("MR_small_RLE.dcm")]
    [TestCase("SC_rgb_jpeg_dcmtk.dcm")]
    public async Task GetInstanceRendered_Jpeg_DecodesCloseToReference(string file)
    {
        var (client, instance) = await _archive.StoreAsync(file);
        var reference = ReferenceRendering.Render([(file, 1, null)])[0];

        using var response = await client.GetAsync($"{instance}/rendered?quality=95");

        using var bitmap = await DecodeAsync(response, "image/jpeg");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((reference.Width, reference.Height)));
        Assert.That(reference.MeanAbsoluteDifference(bitmap), Has.All.LessThanOrEqualTo(6.0));
    }

    [Test]
    public async Task GetInstanceRendered_Quality_SmallerFileAtLowerQuality()
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");

        using var low = await client.GetAsync($"{instance}/rendered?quality=10");
        using var high = await client.GetAsync($"{instance}/rendered?quality=100");

        Assert.That((await low.Content.ReadAsByteArrayAsync()).Length, Is.LessThan((await high.Content.ReadAsByteArrayAsync()).Length));
    }

    [TestCase("CT_small.dcm", "64,32", 32, 32)]
    [TestCase("SC_rgb_jpeg.dcm", "100,300", 100, 100)]
    [TestCase("MR_small.dcm", "200,150", 150, 150)]
    [TestCase("JPGExtended.dcm", "1000,100", 0, 0)]
    public async Task GetInstanceRendered_Viewport_FitsInsideKeepingAspect(string file, string viewport, int width, int height)
    {
        var (client, instance) = await _archive.StoreAsync(file);

        using var response = await client.GetAsync($"{instance}/rendered?viewport={viewport}&accept=image/png");

        if (width == 0)
        {
            // 12-bit JPEG Extended is not decoded: the refusal names the transfer syntax.
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("1.2.840.10008.1.2.4.51"));
            return;
        }
        using var bitmap = await DecodeAsync(response, "image/png");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
    }

    [Test]
    public async Task GetInstanceRendered_Viewport_ScaledImageCloseToReference()
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");
        var reference = ReferenceRendering.Render([("CT_small.dcm", 1, null)])[0];

        using var response = await client.GetAsync($"{instance}/rendered?viewport=64,64&accept=image/png");

        using var bitmap = await DecodeAsync(response, "image/png");
        // Each output pixel against the mean of the 2x2 reference block it covers.
        double total = 0;
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double mean = (reference.Pixels[(2 * y * 128) + (2 * x)] + reference.Pixels[(2 * y * 128) + (2 * x) + 1]
                    + reference.Pixels[((2 * y) + 1) * 128 + (2 * x)] + reference.Pixels[((2 * y) + 1) * 128 + (2 * x) + 1]) / 4.0;
                total += Math.Abs(bitmap.GetPixel(x, y).Red - mean);
            }
        }
        Assert.That(total / (64 * 64), Is.LessThanOrEqualTo(6.0));
    }

    [TestCase("CT_small.dcm", 128, 128)]
    [TestCase("SC_rgb_jpeg.dcm", 128, 128)]
    [TestCase("JPEG2000.dcm", 0, 0)]
    public async Task GetInstanceThumbnail_Default_FitsSmallBox(string file, int width, int height)
    {
        var (client, instance) = await _archive.StoreAsync(file);

        using var response = await client.GetAsync($"{instance}/thumbnail");

        if (width == 0)
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("1.2.840.10008.1.2.4.91"));
            return;
        }
        using var bitmap = await DecodeAsync(response, "image/jpeg");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
    }

    [Test]
    public async Task GetStudyAndSeriesThumbnail_MultiFrameSeries_RendersRepresentative()
    {
        var (client, instance) = await _archive.StoreAsync("rtdose_rle.dcm");
        string series = instance[..instance.IndexOf("/instances/", StringComparison.Ordinal)];
        string study = series[..series.IndexOf("/series/", StringComparison.Ordinal)];

        using var studyThumb = await client.GetAsync($"{study}/thumbnail?viewport=40,40&accept=image/png");
        using var seriesThumb = await client.GetAsync($"{series}/thumbnail?accept=image/png");
        using var frameThumb = await client.GetAsync($"{instance}/frames/15/thumbnail?viewport=20,20");

        Assert.That((await DecodeAsync(studyThumb, "image/png")).Width, Is.EqualTo(40));
        Assert.That((await DecodeAsync(seriesThumb, "image/png")).Width, Is.EqualTo(128));
        Assert.That((await DecodeAsync(frameThumb, "image/jpeg")).Width, Is.EqualTo(20));
    }

    [Test]
    public async Task GetSeriesRendered_Multipart_OnePngPerInstance()
    {
        var (client, instance) = await _archive.StoreAsync("SC_rgb_rle_2frame.dcm");
        string series = instance[..instance.IndexOf("/instances/", StringComparison.Ordinal)];

        using var response = await GetAsync(client, series + "/rendered", "multipart/related; type=\"image/png\"");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("multipart/related"));
        string body = Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.That(body.Split("Content-Type: image/png").Length - 1, Is.EqualTo(1));
        Assert.That(body, Does.Contain("\x89PNG"));
    }

    [TestCase("rendered?quality=0", 400)]
    [TestCase("rendered?quality=101", 400)]
    [TestCase("rendered?quality=high", 400)]
    [TestCase("rendered?viewport=0,10", 400)]
    [TestCase("rendered?viewport=10", 400)]
    [TestCase("rendered?viewport=-5,10", 400)]
    [TestCase("rendered?viewport=100000,100000", 400)]
    [TestCase("rendered?window=40", 400)]
    [TestCase("rendered?window=40,0", 400)]
    [TestCase("rendered?window=abc,400", 400)]
    [TestCase("rendered?window=40,400,cubic", 400)]
    [TestCase("rendered?window=NaN,400", 400)]
    [TestCase("rendered?accept=application/pdf", 406)]
    [TestCase("frames/0/rendered", 400)]
    [TestCase("frames/-1/rendered", 400)]
    [TestCase("frames/1,2/rendered", 400)]
    [TestCase("frames/x/thumbnail", 400)]
    [TestCase("frames/2/rendered", 404)]
    [TestCase("frames/99999999999/rendered", 400)]
    [TestCase("rendered?annotation=patient&charset=utf-8&unknown=1", 200)]
    public async Task GetRendered_HostileParameters_ClientError(string resource, int status)
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");

        using var response = await client.GetAsync($"{instance}/{resource}");

        Assert.That((int)response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        if (status != 200)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
    }

    [Test]
    public async Task GetRendered_UnsupportedAccept_NotAcceptable()
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");

        using var response = await GetAsync(client, $"{instance}/rendered", "application/pdf, image/gif;q=0.5");
        using var preferred = await GetAsync(client, $"{instance}/rendered", "image/jpeg;q=0.2, image/png");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        Assert.That(preferred.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/png"));
    }

    [TestCase("/dicomweb/studies/1.2.3/series/4.5.6/instances/7.8.9/rendered", 404)]
    [TestCase("/dicomweb/studies/1.2.3/series/4.5.6/instances/7.8.9/frames/1/thumbnail", 404)]
    [TestCase("/dicomweb/studies/1.2.3/thumbnail", 404)]
    [TestCase("/dicomweb/studies/1.2.3/series/4.5.6/rendered", 404)]
    [TestCase("/dicomweb/studies/1.2.3/rendered", 404)]
    [TestCase("/dicomweb/studies/1.2.abc/rendered", 400)]
    [TestCase("/dicomweb/studies/1.2.3/series/..%2f..%2fetc/thumbnail", 400)]
    public async Task GetRendered_UnknownOrMalformedUids_ProblemBody(string url, int status)
    {
        var (client, _) = await _archive.StoreAsync("CT_small.dcm");

        using var response = await client.GetAsync(url);

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(status));
    }

    [Test]
    public async Task GetRendered_InstanceInOtherSeries_NotFound()
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");
        string sop = instance[(instance.LastIndexOf('/') + 1)..];
        string study = instance[..instance.IndexOf("/series/", StringComparison.Ordinal)];

        using var response = await client.GetAsync($"{study}/series/1.2.3.4/instances/{sop}/rendered");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("test-SR.dcm")]
    [TestCase("MR_small_jpeg_ls_lossless.dcm")]
    public async Task GetInstanceRendered_NotAnImageOrUnsupported_NotAcceptableWithReason(string file)
    {
        var (client, instance) = await _archive.StoreAsync(file);
        string study = instance[..instance.IndexOf("/series/", StringComparison.Ordinal)];

        using var response = await client.GetAsync($"{instance}/rendered");
        using var studyResponse = await client.GetAsync($"{study}/rendered");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Contain(file.StartsWith("test-SR", StringComparison.Ordinal) ? "no" : "1.2.840.10008.1.2.4.80"));
        Assert.That(studyResponse.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
    }

    [TestCase("CT_small.dcm", "contentType=image/png&windowCenter=40&windowWidth=400", 1, "40,400")]
    [TestCase("SC_rgb_rle_2frame.dcm", "contentType=image/png&frameNumber=2", 2, null)]
    [TestCase("MR_small_RLE.dcm", "contentType=image%2Fpng", 1, null)]
    public async Task WadoUri_ImageContentType_MatchesReference(string file, string query, int frame, string? window)
    {
        var (client, instance) = await _archive.StoreAsync(file);
        var reference = ReferenceRendering.Render([(file, frame, window)])[0];

        using var response = await client.GetAsync(WadoUri(instance, query));

        using var bitmap = await DecodeAsync(response, "image/png");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((reference.Width, reference.Height)));
        Assert.That(reference.MeanAbsoluteDifference(bitmap), Has.All.LessThanOrEqualTo(1.0));
    }

    [TestCase("contentType=image/jpeg&rows=32", 32, 32)]
    [TestCase("contentType=image/jpeg&columns=50&imageQuality=80", 50, 50)]
    [TestCase("contentType=image/jpeg&rows=100&columns=20", 20, 20)]
    [TestCase("contentType=image/jpeg", 128, 128)]
    public async Task WadoUri_RowsColumns_MaximaKeepingAspect(string query, int width, int height)
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");

        using var response = await client.GetAsync(WadoUri(instance, query));

        using var bitmap = await DecodeAsync(response, "image/jpeg");
        Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((width, height)));
    }

    [TestCase("contentType=image/jpeg&rows=0", 400)]
    [TestCase("contentType=image/jpeg&columns=abc", 400)]
    [TestCase("contentType=image/jpeg&windowCenter=40", 400)]
    [TestCase("contentType=image/jpeg&windowCenter=40&windowWidth=0", 400)]
    [TestCase("contentType=image/jpeg&imageQuality=0", 400)]
    [TestCase("contentType=image/jpeg&frameNumber=0", 400)]
    [TestCase("contentType=image/jpeg&frameNumber=2", 404)]
    [TestCase("contentType=image/gif", 406)]
    public async Task WadoUri_BadRenderingParameters_ClientError(string query, int status)
    {
        var (client, instance) = await _archive.StoreAsync("CT_small.dcm");

        using var response = await client.GetAsync(WadoUri(instance, query));

        Assert.That((int)response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task GetInstanceRendered_CorruptRleData_NotAcceptableWithReason()
    {
        // Stored pixel data is not validated at ingest: a broken RLE header must give a clear refusal, not a 500.
        byte[] bytes = await File.ReadAllBytesAsync(PydicomCorpus.File("MR_small_RLE.dcm"));
        await using (var stream = new MemoryStream(bytes))
        {
            var dicom = await DicomReader.ReadAsync(stream, new DicomReaderOptions { PixelData = PixelDataHandling.Scan });
            BitConverter.TryWriteBytes(bytes.AsSpan((int)dicom.PixelData!.Frames[0][0].Offset), 7);
        }
        string path = Path.Combine(Path.GetTempPath(), $"dwa-render-corrupt-{Environment.ProcessId}.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var (client, instance) = await _archive.StoreAsync(path);

            using var response = await client.GetAsync($"{instance}/rendered");

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("7 segments"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestCase("hostile_mlut.dcm@synthetic", "declares 4096 entries")]
    [TestCase("hostile_vlut.dcm@synthetic", "holds 0 bytes")]
    [TestCase("hostile_opcode.dcm@synthetic", "unknown type 7")]
    [TestCase("hostile_length.dcm@synthetic", "runs past")]
    [TestCase("hostile_indirect.dcm@synthetic", "nests too deep")]
    public async Task GetInstanceRendered_BrokenLut_NotAcceptableWithReason(string file, string reason)
    {
        // LUT data are not validated at ingest: a table that contradicts its descriptor is a refusal, not a 500.
        var (client, instance) = await _archive.StoreAsync(file);

        using var response = await client.GetAsync($"{instance}/rendered");
        using var thumbnail = await client.GetAsync($"{instance}/thumbnail");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(reason));
        Assert.That(thumbnail.StatusCode, Is.EqualTo(HttpStatusCode.NotAcceptable));
    }

    private static string WadoUri(string instancePath, string query)
    {
        var parts = instancePath.Split('/');
        return $"/wado?requestType=WADO&studyUID={parts[3]}&seriesUID={parts[5]}&objectUID={parts[7]}&{query}";
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await client.SendAsync(request);
    }

    private static async Task<SKBitmap> DecodeAsync(HttpResponseMessage response, string mediaType)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(mediaType));
        return SKBitmap.Decode(bytes) ?? throw new AssertionException($"The {mediaType} body does not decode.");
    }
}
