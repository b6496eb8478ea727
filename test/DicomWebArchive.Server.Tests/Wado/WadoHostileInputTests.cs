using System.IO.Compression;
using System.Net;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>Client mistakes and hostile requests get 400/404/406/416 with a problem body, never a 500.</summary>
public sealed class WadoHostileInputTests
{
    private const string Study = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string Series = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private const string Sop = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    private const string Instance = $"/dicomweb/studies/{Study}/series/{Series}/instances/{Sop}";
    private const int PixelDataLength = 32768;

    private ArchiveFactory _archive = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StoreAsync()
    {
        _archive = new ArchiveFactory();
        _client = _archive.CreateClient();
        var result = await StowRequests.PostAsync(_client, StowRequests.MultipartFiles([PydicomCorpus.File("CT_small.dcm")]));
        Assert.That(result.Status, Is.EqualTo(200), result.ToString);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _client.Dispose();
        _archive.Dispose();
    }

    [TestCase("0", "0 is not a frame")]
    [TestCase("-1", "not a frame number")]
    [TestCase("1,,2", "empty item")]
    [TestCase("abc", "not a frame number")]
    [TestCase("2", "beyond")]
    [TestCase("1,99999999999", "not a frame number")]
    public async Task Frames_BadList_400NamingTheProblem(string list, string message)
    {
        var (status, body) = await GetAsync($"{Instance}/frames/{list}", "multipart/related; type=application/octet-stream");

        Assert.That(status, Is.EqualTo(400));
        Assert.That(Detail(body), Does.Contain(message));
    }

    [TestCase("bytes=0-9", 206, 10)]
    [TestCase("bytes=-10", 206, 10)]
    [TestCase("bytes=32760-", 206, 8)]
    [TestCase("bytes=32760-99999999999", 206, 8)]
    [TestCase("bytes=32768-", 416, 0)]
    [TestCase("bytes=99999999999999999999999-", 200, PixelDataLength)]
    [TestCase("bytes=-0", 416, 0)]
    [TestCase("bytes=5-1", 200, PixelDataLength)]
    [TestCase("bytes=a-b", 200, PixelDataLength)]
    [TestCase("items=0-1", 200, PixelDataLength)]
    [TestCase("bytes=0-0,5-6", 200, PixelDataLength)]
    [TestCase("bytes=--1", 200, PixelDataLength)]
    public async Task BulkData_RangeHeader_PartialWholeOr416(string range, int status, int length)
    {
        using var whole = await _client.SendAsync(WadoResponses.Get($"{Instance}/bulkdata/7FE00010", "application/octet-stream"));
        var all = await whole.Content.ReadAsByteArrayAsync();
        Assert.That(all, Has.Length.EqualTo(PixelDataLength));

        using var response = await _client.SendAsync(WadoResponses.Get($"{Instance}/bulkdata/7FE00010", "application/octet-stream", ("Range", range)));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        if (status == 206)
        {
            long start = response.Content.Headers.ContentRange!.From!.Value;
            Assert.That(body, Is.EqualTo(all.AsSpan((int)start, length).ToArray()));
        }
        else if (status == 200)
        {
            Assert.That(body, Is.EqualTo(all));
        }
        else
        {
            Assert.That(response.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes */{PixelDataLength}"));
        }
    }

    [Test]
    public async Task BulkData_AbsurdlyLongRangeHeader_WholeValue()
    {
        var (status, _) = await GetAsync($"{Instance}/bulkdata/7FE00010", "application/octet-stream", ("Range", "bytes=" + new string('9', 5000) + "-"));

        Assert.That(status, Is.EqualTo(200));
    }

    [TestCase("12345678", 404)]
    [TestCase("00081140/0/00081155", 404)]
    [TestCase("7FE00010/0/7FE00010", 404)]
    [TestCase("zz", 400)]
    [TestCase("7FE0001", 400)]
    [TestCase("00081140/x/00081155", 400)]
    public async Task BulkData_UnknownOrMalformedTagPath_404Or400(string path, int status)
    {
        var (actual, body) = await GetAsync($"{Instance}/bulkdata/{path}", null);

        Assert.That(actual, Is.EqualTo(status), body);
        Assert.That(Detail(body), Is.Not.Empty);
    }

    [TestCase("", "image/png")]
    [TestCase("", "multipart/related; type=\"image/jpeg\"")]
    [TestCase("", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [TestCase("", "text/html")]
    [TestCase("/metadata", "application/dicom")]
    [TestCase("/metadata", "multipart/related; type=\"application/pdf\"")]
    [TestCase("/frames/1", "image/jpeg")]
    [TestCase("/frames/1", "multipart/related; type=application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [TestCase("/bulkdata/00431029", "image/jpeg")]
    public async Task Instance_UnsupportedAccept_406WithMessage(string resource, string accept)
    {
        var (status, body) = await GetAsync(Instance + resource, accept);

        Assert.That(status, Is.EqualTo(406), body);
        Assert.That(Detail(body), Is.Not.Empty);
    }

    [Test]
    public async Task Study_SinglePartDicom_406()
    {
        var (status, body) = await GetAsync($"/dicomweb/studies/{Study}", "application/dicom");

        Assert.That(status, Is.EqualTo(406));
        Assert.That(Detail(body), Does.Contain("application/zip"));
    }

    [Test]
    public async Task Study_SyntaxOnlySomeInstancesHave_206WithTheOthersAndWarning()
    {
        const string study = "1.2.826.0.1.3680043.10.543.7";
        var native = new TestDicom(study, study + ".1", study + ".1.1").ToArray();
        var rle = new TestDicom(study, study + ".1", study + ".1.2").ToArray();
        // The same data set declared as RLE Lossless (an encapsulated syntax, same length UID): stored, never decompressed.
        int at = rle.AsSpan().IndexOf("1.2.840.10008.1.2.1\0"u8);
        "1.2.840.10008.1.2.5\0"u8.CopyTo(rle.AsSpan(at));
        var stored = await StowRequests.PostAsync(_client, StowRequests.Multipart([native, rle]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.ToString);

        using var response = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{study}", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1"));
        var parts = await WadoResponses.ReadPartsAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(206));
        Assert.That(parts, Has.Count.EqualTo(1));
        native.AsSpan(0, 128).Clear();
        Assert.That(parts[0].Body, Is.EqualTo(native), "the native instance, as stored (preamble zeroed)");
        Assert.That(string.Join(' ', response.Headers.GetValues("Warning")), Does.Contain("1.2.840.10008.1.2.5").And.Contain("left out"));
    }

    [TestCase("/dicomweb/studies/1.2.x")]
    [TestCase("/dicomweb/studies/1.2./metadata")]
    [TestCase($"/dicomweb/studies/{Study}/series/1..2")]
    [TestCase($"/dicomweb/studies/{Study}/series/{Series}/instances/%27%3B--/frames/1")]
    [TestCase($"/dicomweb/studies/{Study}/series/{Series}/instances/1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30/metadata")]
    public async Task Request_MalformedUid_400(string url)
    {
        var (status, body) = await GetAsync(url, null);

        Assert.That(status, Is.EqualTo(400), body);
        Assert.That(Detail(body), Does.Contain("not a valid UID"));
    }

    [TestCase("/dicomweb/studies/1.2.3")]
    [TestCase("/dicomweb/studies/1.2.3/metadata")]
    [TestCase($"/dicomweb/studies/{Study}/series/1.2.3/metadata")]
    [TestCase($"/dicomweb/studies/1.2.3/series/{Series}/instances/{Sop}")]
    [TestCase($"/dicomweb/studies/{Study}/series/{Series}/instances/1.2.3/frames/1")]
    [TestCase($"/dicomweb/studies/{Study}/series/{Series}/instances/1.2.3/bulkdata/7FE00010")]
    [TestCase("/dicomweb/studies/01.2/metadata")] // leading zeros: not canonical, yet a key the archive stores and looks up
    public async Task Request_UnknownUid_404ProblemJson(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(Detail(await response.Content.ReadAsStringAsync()), Does.Contain("not stored"));
    }

    [Test]
    public async Task Metadata_IfNoneMatchWithETag_304()
    {
        using var first = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata", "application/dicom+json"));
        string etag = first.Headers.ETag!.Tag;

        using var second = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata", "application/dicom+json", ("If-None-Match", etag)));
        using var other = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata", "application/dicom+json", ("If-None-Match", "\"x\"")));

        Assert.That(first.Headers.ETag.IsWeak, Is.False);
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task Metadata_AcceptEncoding_CompressedSameJson(string encoding)
    {
        using var plain = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata"));
        using var compressed = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata", null, ("Accept-Encoding", encoding)));

        Assert.That(compressed.Content.Headers.ContentEncoding, Is.EqualTo(new[] { encoding }));
        var bytes = await compressed.Content.ReadAsStreamAsync();
        using Stream decoder = encoding == "br" ? new BrotliStream(bytes, CompressionMode.Decompress) : new GZipStream(bytes, CompressionMode.Decompress);
        using var reader = new StreamReader(decoder);
        Assert.That(await reader.ReadToEndAsync(), Is.EqualTo(await plain.Content.ReadAsStringAsync()));
    }

    [Test]
    public async Task Study_AcceptQueryZip_ZipOfStoredFiles()
    {
        using var response = await _client.GetAsync($"/dicomweb/studies/{Study}?accept=application/zip");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var entry = zip.Entries.Single();
        Assert.That(entry.FullName, Is.EqualTo($"{Study}/{Series}/{Sop}.dcm"));
        using var content = new MemoryStream();
        await using (var stream = await entry.OpenAsync())
        {
            await stream.CopyToAsync(content);
        }
        var expected = await File.ReadAllBytesAsync(PydicomCorpus.File("CT_small.dcm"));
        expected.AsSpan(0, 128).Clear();
        Assert.That(content.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Preflight_FromOtherOriginWithAuthorization_Allowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"{Instance}/frames/1");
        request.Headers.Add("Origin", "http://viewer.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,accept");
        using var response = await _client.SendAsync(request);
        using var get = await _client.SendAsync(WadoResponses.Get($"/dicomweb/studies/{Study}/metadata", null, ("Origin", "http://viewer.example")));

        Assert.That((int)response.StatusCode, Is.EqualTo(204));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "*" }));
        Assert.That(string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")), Does.Contain("Authorization"));
        Assert.That(string.Join(',', get.Headers.GetValues("Access-Control-Expose-Headers")), Does.Contain("ETag").And.Contain("Warning").And.Contain("Content-Location"));
    }

    [TestCase("", 400, "requestType")]
    [TestCase("requestType=WADO&studyUID=" + Study + "&seriesUID=" + Series, 400, "objectUID")]
    [TestCase("requestType=WADO&studyUID=x&seriesUID=" + Series + "&objectUID=" + Sop, 400, "not a valid UID")]
    [TestCase("requestType=WADO&studyUID=" + Study + "&seriesUID=" + Series + "&objectUID=1.2.3&contentType=application/dicom", 404, "not stored")]
    [TestCase("requestType=WADO&studyUID=" + Study + "&seriesUID=" + Series + "&objectUID=" + Sop + "&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.4.50", 406, "1.2.840.10008.1.2.1")]
    [TestCase("requestType=WADO&studyUID=" + Study + "&seriesUID=" + Series + "&objectUID=" + Sop + "&contentType=application/dicom&transferSyntax=abc", 400, "transferSyntax")]
    public async Task WadoUri_BadRequest_StatusWithMessage(string query, int status, string message)
    {
        var (actual, body) = await GetAsync("/wado?" + query, null);

        Assert.That(actual, Is.EqualTo(status), body);
        Assert.That(Detail(body), Does.Contain(message));
    }

    [Test]
    public async Task WadoUri_ApplicationDicom_StoredFile()
    {
        using var response = await _client.GetAsync($"/wado?requestType=WADO&studyUID={Study}&seriesUID={Series}&objectUID={Sop}&contentType=application%2Fdicom");
        var expected = await File.ReadAllBytesAsync(PydicomCorpus.File("CT_small.dcm"));
        expected.AsSpan(0, 128).Clear();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(expected));
    }

    private async Task<(int Status, string Body)> GetAsync(string url, string? accept, params (string, string)[] headers)
    {
        using var response = await _client.SendAsync(WadoResponses.Get(url, accept, headers));
        string body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.LessThan(500), body);
        return ((int)response.StatusCode, body);
    }

    private static string Detail(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("detail").GetString() ?? "";
    }
}
