using System.Text.Json;
using DicomWebArchive.Cli.Tests.Support;

namespace DicomWebArchive.Cli.Tests.Bench;

public sealed class BenchCommandTests
{
    [Test]
    public async Task Bench_Json_ReportsEveryFigure()
    {
        string work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(Path.Combine(work, "data"));
            string corpus = Corpus.MakeCtSeries(Path.Combine(work, "corpus"), 20);

            var result = await CliRun.RunAsync(work, "bench", server.DicomWebRoot, "--corpus", corpus, "--json", "--repeat", "3", "--batch", "5",
                "--server-pid", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            using var json = JsonDocument.Parse(result.Output);
            var report = json.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(report.GetProperty("corpus").GetProperty("instances").GetInt32(), Is.EqualTo(20));
                Assert.That(report.GetProperty("corpus").GetProperty("seriesInstances").GetInt32(), Is.EqualTo(20));
                var stow = report.GetProperty("stow");
                Assert.That(stow.GetProperty("instances").GetInt32(), Is.EqualTo(15), "a corpus smaller than two rounds of batches warms up with one batch, untimed");
                Assert.That(stow.GetProperty("instancesPerSecond").GetDouble(), Is.Positive);
                Assert.That(stow.GetProperty("megabytesPerSecond").GetDouble(), Is.Positive);
                // Storing a 512x512 CT costs the server far more than a microsecond and less than a second of CPU.
                Assert.That(stow.GetProperty("serverCpuMsPerInstance").GetDouble(), Is.InRange(0.001, 1000));
                Assert.That(stow.GetProperty("clientCpuMsPerInstance").GetDouble(), Is.InRange(0.001, 1000));
                var qido = report.GetProperty("qido").EnumerateArray().ToList();
                Assert.That(qido.Select(q => q.GetProperty("name").GetString()), Is.EqualTo(new[] { "study list", "patient name", "study date range", "modality" }));
                foreach (var query in qido)
                {
                    Assert.That(query.GetProperty("p50Ms").GetDouble(), Is.Positive);
                    Assert.That(query.GetProperty("p95Ms").GetDouble(), Is.GreaterThanOrEqualTo(query.GetProperty("p50Ms").GetDouble()));
                    Assert.That(query.GetProperty("results").GetInt32(), Is.EqualTo(1), query.GetProperty("query").GetString());
                }
                Assert.That(report.GetProperty("seriesMetadata").GetProperty("p50Ms").GetDouble(), Is.Positive);
                Assert.That(report.GetProperty("frame").GetProperty("p50Ms").GetDouble(), Is.Positive);
                Assert.That(report.GetProperty("seriesRetrieve").GetProperty("megabytesPerSecond").GetDouble(), Is.Positive);
                Assert.That(report.GetProperty("seriesRetrieve").GetProperty("bytes").GetInt64(), Is.GreaterThan(3 * 20 * 512 * 512 * 2));
            });
        }
        finally
        {
            TempDirectory.Delete(work);
        }
    }

    [Test]
    public async Task Bench_StowOnly_UploadsEveryInstanceAndReadsNothingBack()
    {
        string work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        try
        {
            string corpus = Corpus.MakeCtSeries(Path.Combine(work, "corpus"), 12);
            // A receiver that takes uploads but answers no query as an archive would: any read-back would fail the run.
            using var server = new TestHttpServer(async (context, _) =>
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/dicom+json";
                await context.Response.OutputStream.WriteAsync(context.Request.HttpMethod == "POST" ? "{}"u8.ToArray() : "[]"u8.ToArray());
            });

            var result = await CliRun.RunAsync(work, "bench", server.Root, "--corpus", corpus, "--stow-only", "--json", "--batch", "2", "--parallel", "2");

            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            var report = JsonDocument.Parse(result.Output).RootElement;
            var requests = server.Requests.ToList();
            Assert.Multiple(() =>
            {
                Assert.That(report.GetProperty("stow").GetProperty("instances").GetInt32(), Is.EqualTo(8), "one round of batches, one per connection, warms up untimed");
                Assert.That(report.GetProperty("stow").GetProperty("instancesPerSecond").GetDouble(), Is.Positive);
                foreach (var readBack in (string[])["qido", "seriesMetadata", "frame", "seriesRetrieve"])
                {
                    Assert.That(report.GetProperty(readBack).ValueKind, Is.EqualTo(JsonValueKind.Null), readBack);
                }
                Assert.That(requests.Count(r => r.Method == "POST"), Is.EqualTo(6), "12 instances, 2 per request");
                Assert.That(requests.Where(r => r.Method != "POST").Select(r => r.Url), Is.EqualTo(new[] { "/dicomweb/studies?limit=1" }), "only the check that the server is there");
            });
        }
        finally
        {
            TempDirectory.Delete(work);
        }
    }

    [TestCase("0", "--server-pid must be a process id")]
    [TestCase("-5", "--server-pid must be a process id")]
    [TestCase("2147483000", "--server-pid 2147483000: no process of this machine whose CPU time can be read")]
    public async Task Bench_ServerPidNotAProcess_SaysSoBeforeAnyRequest(string pid, string message)
    {
        string work = Directory.CreateTempSubdirectory("dicomweb-cli-tests-").FullName;
        try
        {
            string url = $"http://127.0.0.1:{TestHttpServer.FreePort()}/dicomweb";

            var result = await CliRun.RunAsync(work, "bench", url, "--corpus", PydicomCorpus.File("CT_small.dcm"), "--server-pid", pid);

            Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
            Assert.That(result.Error + result.Output, Does.Contain(message));
            Assert.That(result.Error + result.Output, Does.Not.Contain("cannot reach"), "refused before the server is asked anything");
        }
        finally
        {
            TempDirectory.Delete(work);
        }
    }
}
