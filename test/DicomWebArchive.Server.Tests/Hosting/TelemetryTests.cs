using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Hosting;

/// <summary>
/// What an operator watches: Prometheus metrics at /metrics, JSON log lines that carry the request's correlation id, and
/// OTLP export. The server runs as its own process, so its counters start at zero and its console is what a log
/// shipper would read.
/// </summary>
public sealed partial class TelemetryTests
{
    private const string StoredCounter = "dicomweb_archive_instances_stored_total";

    [Test]
    public async Task Metrics_InstanceStored_PrometheusTextCountsIt()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false");
        using var client = server.CreateClient();
        double before = Sample(await ScrapeAsync(client), StoredCounter, "warning=\"none\"") ?? 0;

        var stored = await StowRequests.PostAsync(client, StowRequests.Multipart([new TestDicom(TestDicom.NewUid(), TestDicom.NewUid(), TestDicom.NewUid()).ToArray()]));
        Assert.That(stored.Status, Is.EqualTo(200), stored.Body);
        var found = await client.GetAsync("/dicomweb/studies");
        Assert.That(found.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        string after = await ScrapeAsync(client);

        Assert.That(Sample(after, StoredCounter, "warning=\"none\""), Is.EqualTo(before + 1), after);
        Assert.That(Sample(after, "dicomweb_archive_request_duration_seconds_count", "operation=\"store\",status=\"200\""), Is.EqualTo(1));
        Assert.That(Sample(after, "dicomweb_archive_request_duration_seconds_count", "operation=\"search\",status=\"200\""), Is.EqualTo(1));
        Assert.That(Sample(after, "dicomweb_archive_received_bytes_total", "operation=\"store\""), Is.GreaterThan(100));
        Assert.That(Sample(after, "dicomweb_archive_sent_bytes_total", "operation=\"search\""), Is.GreaterThan(2), "the search answered the stored study");
        Assert.That(Sample(after, "dicomweb_archive_index_duration_seconds_count", "operation=\"add_instance\""), Is.EqualTo(1));
        Assert.That(Sample(after, "dicomweb_archive_index_duration_seconds_count", "operation=\"search\""), Is.EqualTo(1));
        Assert.That(Sample(after, "dicomweb_archive_blob_duration_seconds_count", "operation=\"commit\""), Is.EqualTo(1));
        Assert.That(after, Does.Contain("\nhttp_server_request_duration_seconds_bucket{").And.Contain("\ndotnet_gc_collections_total"), "ASP.NET Core's and the runtime's own");
    }

    [Test]
    public async Task Metrics_InstanceRefused_CountedByReasonWithoutPatientData()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false");
        using var client = server.CreateClient();
        string study = TestDicom.NewUid();
        var dicom = new TestDicom(study, TestDicom.NewUid(), TestDicom.NewUid(), patientName: "Privacy^Paula", patientId: "PID-METRICS-77").ToArray();

        var result = await StowRequests.PostAsync(client, StowRequests.Multipart([dicom, "not DICOM"u8.ToArray()]), $"/dicomweb/studies/{TestDicom.NewUid()}");
        Assert.That(result.Failed, Has.Count.EqualTo(2), result.Body);
        string scraped = await ScrapeAsync(client);

        Assert.That(Sample(scraped, "dicomweb_archive_instances_refused_total", "reason=\"0xA901\""), Is.EqualTo(1), scraped);
        Assert.That(Sample(scraped, "dicomweb_archive_instances_refused_total", "reason=\"0xC000\""), Is.EqualTo(1), scraped);
        Assert.That(scraped, Does.Not.Contain(study).And.Not.Contain("Paula").And.Not.Contain("PID-METRICS-77"));
    }

    [Test]
    public async Task Metrics_AuthenticationOn_RequiresAdminScope()
    {
        await using var archive = new SecureArchive();

        Assert.That((await archive.GetAsync("/metrics", null)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await archive.GetAsync("/metrics", archive.Token("viewer", "dicom.read dicom.write"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var admin = await archive.GetAsync("/metrics", archive.Admin);
        Assert.That(admin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await admin.Content.ReadAsStringAsync(), Does.Contain("# TYPE "));
    }

    [Test]
    public async Task JsonLogs_RequestWithCorrelationId_EveryLineOfItCarriesTheIdAndNoUid()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false", "--Logging:Console:FormatterName=json");
        using var client = server.CreateClient();
        string study = TestDicom.NewUid();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dicomweb/studies/{study}") { Content = new ByteArrayContent("not DICOM"u8.ToArray()) };
        request.Content.Headers.ContentType = new("application/dicom");
        request.Headers.Add("X-Correlation-ID", "ticket-4711.retry-2");

        var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(400));

        var lines = await LogLinesAsync(server, line => line.Contains("DicomWebArchive.Server.Stow", StringComparison.Ordinal));
        Assert.That(lines, Is.Not.Empty, server.Output);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var scopes = json.RootElement.GetProperty("Scopes").EnumerateArray();
            Assert.That(scopes.Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("CorrelationId", out var id) && id.GetString() == "ticket-4711.retry-2"), line);
            Assert.That(json.RootElement.GetProperty("Timestamp").GetString(), Does.EndWith("Z"));
        }
        Assert.That(server.Output, Does.Not.Contain(study), "the request path carries a UID; logs never do");
    }

    [Test]
    public async Task Otlp_EndpointConfigured_MetricsAndLogsArePushed()
    {
        using var collector = new OtlpCollector();
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--Storage:Sweeper:Enabled=false",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={collector.Endpoint}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "--OTEL_METRIC_EXPORT_INTERVAL=500");
        using var client = server.CreateClient();

        Assert.That((await client.GetAsync("/dicomweb/studies")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The metric and log names travel as plain strings inside the protobuf bodies.
        Assert.That(await collector.WaitForAsync("/v1/metrics", "dicomweb.archive.request.duration"), Is.True, server.Output);
        Assert.That(await collector.WaitForAsync("/v1/logs", "Now listening on"), Is.True, server.Output);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        string text = await response.Content.ReadAsStringAsync();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.That(PrometheusLine().IsMatch(line), Is.True, $"not Prometheus text format: {line}");
        }
        return text;
    }

    /// <summary>The value of the sample of <paramref name="metric"/> whose labels include <paramref name="labels"/>; null when there is none.</summary>
    private static double? Sample(string scraped, string metric, string labels)
    {
        foreach (var line in scraped.Split('\n'))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal) && line.Contains(labels, StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>The output lines of the server that are JSON log entries and match, once some have appeared (console logging is asynchronous).</summary>
    private static async Task<List<string>> LogLinesAsync(ServerProcess server, Func<string, bool> match)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var lines = server.Output.Split('\n').Where(l => l.StartsWith('{') && match(l)).ToList();
            if (lines.Count > 0)
            {
                return lines;
            }
            await Task.Delay(100);
        }
        return [];
    }

    // HELP/TYPE comments, or a sample: name, optional labels, a value and an optional timestamp.
    [GeneratedRegex("""^(# (HELP|TYPE|UNIT) [a-zA-Z_:][a-zA-Z0-9_:]* .*|# EOF|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfNa]+( [0-9]+)?)$""")]
    private static partial Regex PrometheusLine();

    /// <summary>An OTLP/HTTP receiver on a loopback port that keeps every request body by path and answers 200.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<(string Path, byte[] Body)> _received = [];

        public OtlpCollector()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public async Task<bool> WaitForAsync(string path, string text)
        {
            for (int attempt = 0; attempt < 150; attempt++)
            {
                lock (_received)
                {
                    if (_received.Any(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains(text, StringComparison.Ordinal)))
                    {
                        return true;
                    }
                }
                await Task.Delay(200);
            }
            return false;
        }

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (_received)
                {
                    _received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                }
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
