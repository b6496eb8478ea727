using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using DicomWebArchive.Server.Tests.Support;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Server.Tests.Security;

/// <summary>
/// The audit trail answers "who looked at this patient's images, and when": one record per action with who, from where,
/// what, which study and patient, the status and the bytes; append-only and hash-chained; readable as FHIR AuditEvents.
/// </summary>
public sealed class AuditTrailTests
{
    /// <summary>
    /// The records written so far, waiting (reads are written a fraction of a second after they happen) until at least
    /// <paramref name="atLeast"/> are there; the auditor's own reads of the trail (action "admin") are left out.
    /// </summary>
    private static async Task<List<JsonElement>> RecordsAsync(SecureArchive archive, int atLeast, string query = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var response = await archive.GetAsync("/api/audit?limit=1000" + query, archive.Token("auditor", "dicom.admin"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var records = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
                .Where(r => Text(r, "action") != "admin").ToList();
            if (records.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return records;
            }
            await Task.Delay(100);
        }
    }

    private static string? Text(JsonElement record, string name) => record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [Test]
    public async Task EachAction_ExactlyTheExpectedRecord()
    {
        await using var archive = new SecureArchive();
        var reader = archive.Token("dr.house", "dicom.read", patients: ["P-AUDIT"]);
        var (study, series, sop) = await archive.StoreAsync("P-AUDIT");
        string instance = $"/dicomweb/studies/{study}/series/{series}/instances/{sop}";

        await archive.GetAsync($"/dicomweb/studies?PatientID=P-AUDIT", reader);
        await archive.GetAsync(instance, reader);
        await archive.GetAsync(instance + "/metadata", reader);
        await archive.GetAsync(instance + "/frames/1", reader);
        await archive.GetAsync(instance + "/rendered", reader);
        await archive.SendAsync(HttpMethod.Post, "/api/links", reader, JsonContent.Create(new { studyInstanceUid = study }));
        await archive.GetAsync(instance, "not-a-token");
        await archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", reader, StowRequests.Multipart([new TestDicom(study, series, TestDicom.NewUid()).ToArray()]));
        var refused = await archive.SendAsync(HttpMethod.Post, "/dicomweb/studies", archive.Admin, StowRequests.Multipart([new byte[300]]));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var records = await RecordsAsync(archive, 10);

        var expected = new (string Subject, string Action, string? Patient, int? Status)[]
        {
            ("admin", "store", "P-AUDIT", null),
            ("dr.house", "search", null, 200),
            ("dr.house", "retrieve", "P-AUDIT", 200),
            ("dr.house", "metadata", "P-AUDIT", 200),
            ("dr.house", "frames", "P-AUDIT", 200),
            ("dr.house", "rendered", "P-AUDIT", 200),
            ("dr.house", "link", "P-AUDIT", 200),
            ("", "authentication failure", null, 401),
            ("dr.house", "store", null, 403),
            ("admin", "store", null, 400),
        };
        Assert.That(records.Select(r => (Text(r, "subject") ?? "", Text(r, "action"), Text(r, "patientId"), r.GetProperty("status").ValueKind == JsonValueKind.Number ? r.GetProperty("status").GetInt32() : (int?)null)),
            Is.EqualTo(expected));
        Assert.That(records.Take(7).Select(r => Text(r, "studyInstanceUid")), Has.All.EqualTo(study).Or.Null);
        Assert.That(records[2].GetProperty("bytes").GetInt64(), Is.GreaterThan(512), "the retrieve's bytes are counted");
        Assert.That(records[4].GetProperty("bytes").GetInt64(), Is.GreaterThanOrEqualTo(16 * 16 * 2), "the frame's bytes are counted");
        Assert.That(records.Select(r => Text(r, "correlationId")), Has.All.Not.Null);
        Assert.That(records.Select(r => r.GetProperty("sequence").GetInt64()), Is.Ordered.Ascending.And.Unique);
        Assert.That(string.Join(' ', records.Select(r => Text(r, "details"))), Does.Not.Contain("dwl1."), "no token is written to the trail");
    }

    [Test]
    public async Task Query_ByPatientAndAction_OnlyThoseRecords()
    {
        await using var archive = new SecureArchive();
        var (study, series, sop) = await archive.StoreAsync("P-ONE");
        await archive.StoreAsync("P-TWO");
        await archive.GetAsync($"/dicomweb/studies/{study}/series/{series}/instances/{sop}/metadata", archive.Admin);
        await RecordsAsync(archive, 3);

        var mine = await RecordsAsync(archive, 2, "&patientId=P-ONE");
        var stores = await RecordsAsync(archive, 2, "&action=store");

        Assert.That(mine.Select(r => Text(r, "action")), Is.EqualTo(new[] { "store", "metadata" }));
        Assert.That(stores.Select(r => Text(r, "patientId")), Is.EqualTo(new[] { "P-ONE", "P-TWO" }));
        var bad = await archive.GetAsync("/api/audit?action=dance", archive.Admin);
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Fhir_Accept_BundleOfAuditEvents()
    {
        await using var archive = new SecureArchive();
        await archive.StoreAsync("P-FHIR");
        await RecordsAsync(archive, 1);

        var response = await archive.GetAsync("/api/audit?patientId=P-FHIR", archive.Admin, accept: "application/fhir+json");

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/fhir+json"));
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(bundle.RootElement.GetProperty("resourceType").GetString(), Is.EqualTo("Bundle"));
        var audit = bundle.RootElement.GetProperty("entry")[0].GetProperty("resource");
        Assert.That(audit.GetProperty("resourceType").GetString(), Is.EqualTo("AuditEvent"));
        Assert.That(audit.GetProperty("type").GetProperty("code").GetString(), Is.EqualTo("110107"), "DICOM Import");
        Assert.That((audit.GetProperty("action").GetString(), audit.GetProperty("outcome").GetString()), Is.EqualTo(("C", "0")));
        Assert.That(audit.GetProperty("agent")[0].GetProperty("who").GetProperty("identifier").GetProperty("value").GetString(), Is.EqualTo("admin"));
        Assert.That(audit.GetProperty("entity").EnumerateArray().Select(e => e.GetProperty("what").GetProperty("identifier").GetProperty("value").GetString()), Does.Contain("P-FHIR"));
        Assert.That(audit.ToString(), Does.Not.Contain("null"), "absent values are left out, not null");
    }

    [Test]
    public async Task Verify_RecordEditedInTheDatabase_NamesThatRecord()
    {
        await using var archive = new SecureArchive();
        for (int i = 0; i < 3; i++)
        {
            await archive.StoreAsync($"P-{i}");
        }
        var records = await RecordsAsync(archive, 3);
        await Task.Delay(500);
        var before = await archive.GetAsync("/api/audit/verify", archive.Admin);
        string beforeText = await before.Content.ReadAsStringAsync();
        Assert.That(JsonDocument.Parse(beforeText).RootElement.GetProperty("valid").GetBoolean(), Is.True, beforeText);
        long target = records[1].GetProperty("sequence").GetInt64();

        await using (var connection = new SqliteConnection($"Data Source={archive.Factory.Archive.IndexFile};Pooling=False"))
        {
            Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("UPDATE audit_event SET patient_id = 'SOMEONE' WHERE sequence = @Target", new { Target = target }),
                "the archive refuses to change a record");
            await connection.ExecuteAsync("DROP TRIGGER audit_event_append_only_update");
            await connection.ExecuteAsync("UPDATE audit_event SET patient_id = 'SOMEONE' WHERE sequence = @Target", new { Target = target });
        }
        var after = await archive.GetAsync("/api/audit/verify", archive.Admin);

        using var verification = JsonDocument.Parse(await after.Content.ReadAsStringAsync());
        Assert.That(verification.RootElement.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(verification.RootElement.GetProperty("firstInvalidSequence").GetInt64(), Is.EqualTo(target));
    }

    [Test]
    public async Task Reads_AuditTrailCannotBeWritten_503UntilItCan()
    {
        await using var archive = new SecureArchive();
        var (study, _, _) = await archive.StoreAsync("P-CLOSED");
        await RecordsAsync(archive, 1);
        string trigger = "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END;";
        await using (var connection = new SqliteConnection($"Data Source={archive.Factory.Archive.IndexFile};Pooling=False"))
        {
            await connection.ExecuteAsync(trigger);
        }
        int servedWhileFailing = await ReadUntilAsync(archive, study, HttpStatusCode.ServiceUnavailable);
        await using (var connection = new SqliteConnection($"Data Source={archive.Factory.Archive.IndexFile};Pooling=False"))
        {
            await connection.ExecuteAsync("DROP TRIGGER refuse_audit");
        }
        await ReadUntilAsync(archive, study, HttpStatusCode.OK);

        var records = await RecordsAsync(archive, servedWhileFailing + 1, "&action=metadata");
        Assert.That(records.Where(r => Text(r, "action") == "metadata").Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(Enumerable.Repeat(200, servedWhileFailing + 1)),
            "the reads served before the failure was found were kept and written once it could be; the refused ones served nothing");
    }

    /// <summary>Reads the study's metadata until the archive answers with the status (the trail is written every quarter second); returns how many reads it served before.</summary>
    private static async Task<int> ReadUntilAsync(SecureArchive archive, string study, HttpStatusCode status)
    {
        int served = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await archive.GetAsync($"/dicomweb/studies/{study}/metadata", archive.Admin);
            if (response.StatusCode == status)
            {
                return served;
            }
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK).Or.EqualTo(HttpStatusCode.ServiceUnavailable));
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"the archive did not answer {status} within 30 s");
            await Task.Delay(50);
        }
    }
}
