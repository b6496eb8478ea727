using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DicomWebArchive.Server.Tests.Support;

namespace DicomWebArchive.Server.Tests.Security;

/// <summary>
/// Every operation of the committed OpenAPI document, with authentication on: 401 without a token and with an expired,
/// wrongly signed, unsigned or wrong-audience one; 403 with the wrong scope; 404 for a study outside the caller's access;
/// success with the right token. Health and the OpenAPI document stay open.
/// </summary>
public sealed class AuthorizationTests
{
    private SecureArchive _archive = null!;
    private (string Study, string Series, string Sop) _mine;
    private (string Study, string Series, string Sop) _others;
    private string _operation = "";
    private string _operationId = "";
    private string _verificationId = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        _archive = new SecureArchive();
        _mine = await _archive.StoreAsync("P-MINE");
        _others = await _archive.StoreAsync("P-OTHER");
        _operation = await _archive.MoveAsync(_mine.Study, "Cool");
        _operationId = await StartOperationAsync("/dicomweb/studies/$bulkUpdate", BulkUpdate(_mine.Study), _archive.Token("alice", "dicom.write", patients: ["P-MINE"]));
        _verificationId = await StartOperationAsync("/api/storage/verify", null, _archive.Admin);
    }

    [OneTimeTearDown]
    public async Task Stop() => await _archive.DisposeAsync();

    /// <summary>Every operation the committed document lists, as "METHOD path".</summary>
    private static IEnumerable<string> Operations()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.RepositoryRoot, "openapi", "dicomweb.json")));
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                yield return $"{method.Name.ToUpperInvariant()} {path.Name}";
            }
        }
    }

    private static IEnumerable<string> ProtectedOperations() => Operations().Where(o => !o.Contains(" /health/", StringComparison.Ordinal));

    /// <summary>The reads that name a study: in the path, in WADO-URI's query, or in a link's body.</summary>
    private static IEnumerable<string> StudyReads() => ProtectedOperations().Where(o => o is "POST /api/links"
        || (o.StartsWith("GET ", StringComparison.Ordinal) && !Administers(o) && (o.Contains("{study}", StringComparison.Ordinal) || o is "GET /wado")));

    private static string RequiredScope(string operation) =>
        Administers(operation) ? "dicom.admin"
        : operation.StartsWith("DELETE ", StringComparison.Ordinal) ? "dicom.delete"
        : Writes(operation) ? "dicom.write" : "dicom.read";

    private static bool Administers(string operation) =>
        new[] { " /api/audit", " /api/deleted/", " /api/storage/", " /api/operations/" }.Any(a => operation.Contains(a, StringComparison.Ordinal));

    /// <summary>Operations that delete or restore what they name: they succeed on a study of their own, not on the shared one.</summary>
    private static bool Destroys(string operation) => operation.StartsWith("DELETE ", StringComparison.Ordinal) || operation.EndsWith("/restore", StringComparison.Ordinal);

    private static JsonContent BulkUpdate(string study) => JsonContent.Create(new
    {
        studyInstanceUids = new[] { study },
        changeDataset = new Dictionary<string, object> { ["00081030"] = new { vr = "LO", Value = new[] { "AUTHORIZED" } } },
    });

    /// <summary>Starts a bulk update or verification and waits for it to end, so a later one on the same study is no conflict.</summary>
    private async Task<string> StartOperationAsync(string path, HttpContent? body, string token)
    {
        using var response = await _archive.SendAsync(HttpMethod.Post, path, token, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var reference = await response.Content.ReadFromJsonAsync<JsonElement>();
        string href = new Uri(reference.GetProperty("href").GetString()!).PathAndQuery;
        for (int i = 0; i < 600; i++)
        {
            using var state = await _archive.GetAsync(href, _archive.Admin);
            if (state.StatusCode != HttpStatusCode.Accepted)
            {
                Assert.That(state.StatusCode, Is.EqualTo(HttpStatusCode.OK), await state.Content.ReadAsStringAsync());
                break;
            }
            await Task.Delay(100);
        }
        return reference.GetProperty("id").GetString()!;
    }

    /// <summary>What an operation acts on when it should succeed: the shared study, or for one that deletes or restores, a study of its own.</summary>
    private async Task<(string Study, string Series, string Sop)> TargetAsync(string operation)
    {
        if (!Destroys(operation))
        {
            return _mine;
        }
        var own = await _archive.StoreAsync("P-MINE");
        if (operation.EndsWith("/restore", StringComparison.Ordinal))
        {
            using var deleted = await _archive.SendAsync(HttpMethod.Delete, $"/dicomweb/studies/{own.Study}", _archive.Admin);
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }
        return own;
    }

    private static bool Writes(string operation) => operation.StartsWith("POST /dicomweb/studies", StringComparison.Ordinal);

    /// <summary>The request for an operation on <paramref name="target"/>: path parameters filled, a body where it takes one.</summary>
    private HttpRequestMessage Request(string operation, (string Study, string Series, string Sop) target, string? token)
    {
        var (method, template) = (operation.Split(' ')[0], operation.Split(' ')[1]);
        string path = template.Replace("{study}", target.Study, StringComparison.Ordinal).Replace("{series}", target.Series, StringComparison.Ordinal)
            .Replace("{instance}", target.Sop, StringComparison.Ordinal).Replace("{frames}", "1", StringComparison.Ordinal)
            .Replace("{frame}", "1", StringComparison.Ordinal).Replace("{path}", "7FE00010", StringComparison.Ordinal)
            .Replace("{id}", template.StartsWith("/api/storage/verify", StringComparison.Ordinal) ? _verificationId
                : template.StartsWith("/api/operations/", StringComparison.Ordinal) ? _operation : _operationId, StringComparison.Ordinal);
        if (path == "/wado")
        {
            path = $"/wado?requestType=WADO&studyUID={target.Study}&seriesUID={target.Series}&objectUID={target.Sop}";
        }
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path == "/dicomweb/studies/$bulkUpdate")
        {
            request.Content = BulkUpdate(target.Study);
        }
        else if (method == "POST" && path.StartsWith("/dicomweb/studies", StringComparison.Ordinal))
        {
            request.Content = StowRequests.Multipart([new TestDicom(target.Study, TestDicom.NewUid(), TestDicom.NewUid(), patientId: "P-MINE").ToArray()]);
        }
        else if (path == "/api/links")
        {
            request.Content = JsonContent.Create(new { studyInstanceUid = target.Study, expiresInSeconds = 600 });
        }
        else if (path.EndsWith("/tier", StringComparison.Ordinal))
        {
            request.Content = JsonContent.Create(new { tier = "Hot" });
        }
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        return request;
    }

    private async Task<HttpStatusCode> StatusAsync(string operation, (string, string, string) target, string? token)
    {
        using var request = Request(operation, target, token);
        using var response = await _archive.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Test]
    public void Document_ListsTheProtectedOperations() =>
        Assert.That(ProtectedOperations().Count(), Is.GreaterThanOrEqualTo(25), "the walk covers the whole document");

    [TestCaseSource(nameof(ProtectedOperations))]
    public async Task Operation_NoOrBadToken_401(string operation)
    {
        string[] scopes = ["dicom.admin"];
        var bad = new Dictionary<string, string?>
        {
            ["no token"] = null,
            ["expired"] = _archive.Token("alice", "dicom.admin", issuedAt: DateTime.UtcNow.AddHours(-3), lifetime: TimeSpan.FromHours(1)),
            ["wrongly signed"] = _archive.Token("alice", "dicom.admin", key: new byte[32]),
            ["wrong audience"] = _archive.Token("alice", "dicom.admin", audience: "another-service"),
            ["alg none"] = Unsigned("alice", "dicom.admin"),
            ["garbage"] = "not.a.token",
        };
        foreach (var (name, token) in bad)
        {
            Assert.That(await StatusAsync(operation, _mine, token), Is.EqualTo(HttpStatusCode.Unauthorized), $"{operation} with {name}");
        }
    }

    [TestCaseSource(nameof(ProtectedOperations))]
    public async Task Operation_WrongScope_403(string operation)
    {
        var token = _archive.Token("alice", string.Join(' ', new[] { "dicom.read", "dicom.write", "dicom.delete" }.Where(s => s != RequiredScope(operation))), patients: ["P-MINE"]);

        Assert.That(await StatusAsync(operation, _mine, token), Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCaseSource(nameof(ProtectedOperations))]
    public async Task Operation_RightScope_Succeeds(string operation)
    {
        var token = _archive.Token("alice", RequiredScope(operation), patients: ["P-MINE"]);
        var target = await TargetAsync(operation);

        var status = await StatusAsync(operation, target, token);

        Assert.That((int)status, Is.InRange(200, 299), operation);
    }

    [TestCaseSource(nameof(StudyReads))]
    public async Task Operation_StudyOutsideTheCallersAccess_404(string operation)
    {
        var token = _archive.Token("alice", "dicom.read", patients: ["P-MINE"]);
        bool search = operation.EndsWith("/series", StringComparison.Ordinal) || operation.EndsWith("/instances", StringComparison.Ordinal);

        using var request = Request(operation, _others, token);
        using var response = await _archive.Client.SendAsync(request);

        // A search within a study the caller may not see answers as for a study that does not exist: no results.
        Assert.That(response.StatusCode, Is.EqualTo(search ? HttpStatusCode.OK : HttpStatusCode.NotFound));
        if (search)
        {
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
        }
        Assert.That(await StatusAsync(operation, _others, _archive.Token("boss", "dicom.admin")), Is.EqualTo(HttpStatusCode.OK), "an administrator sees every study");
    }

    [Test]
    public async Task DeleteAndBulkUpdate_StudyOutsideTheCallersAccess_404AndUnchanged()
    {
        var token = _archive.Token("alice", "dicom.delete dicom.write", patients: ["P-MINE"]);

        using var delete = await _archive.SendAsync(HttpMethod.Delete, $"/dicomweb/studies/{_others.Study}", token);
        using var update = await _archive.SendAsync(HttpMethod.Post, "/dicomweb/studies/$bulkUpdate", token, BulkUpdate(_others.Study));
        using var moveOut = await _archive.SendAsync(HttpMethod.Post, "/dicomweb/studies/$bulkUpdate", token, JsonContent.Create(new
        {
            studyInstanceUids = new[] { _mine.Study },
            changeDataset = new Dictionary<string, object> { ["00100020"] = new { vr = "LO", Value = new[] { "P-OTHER" } } },
        }));

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(moveOut.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a study cannot be moved to a patient the caller may not see");
        using var still = await _archive.GetAsync($"/dicomweb/studies/{_others.Study}/metadata", _archive.Admin);
        Assert.That(still.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await still.Content.ReadAsStringAsync(), Does.Not.Contain("AUTHORIZED"));
    }

    [TestCase("/health/live")]
    [TestCase("/health/ready")]
    [TestCase("/swagger/v1/swagger.json")]
    public async Task OpenResource_NoToken_200(string path) =>
        Assert.That((await _archive.Client.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

    [Test]
    public async Task Unauthorized_Answer_SaysBearerAndLeaksNothing()
    {
        using var response = await _archive.Client.GetAsync("/dicomweb/studies");

        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("   at ").And.Not.Contain("Exception"));
    }

    /// <summary>A token with "alg": "none" and no signature, which must never be accepted.</summary>
    private static string Unsigned(string subject, string scope)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        long exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            Part($"{{\"sub\":\"{subject}\",\"scope\":\"{scope}\",\"iss\":\"{SecureArchive.Issuer}\",\"aud\":\"{SecureArchive.Audience}\",\"exp\":{exp}}}") + ".";
    }
}
