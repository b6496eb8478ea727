using System.Globalization;
using System.Text.Json;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// The audit trail for administrators: GET /api/audit (by patient, study, subject, time range and action; paged;
/// DICOM-flavoured JSON or, with Accept: application/fhir+json, a FHIR R4 Bundle of AuditEvent resources) and
/// GET /api/audit/verify (whether the hash chain holds, or the first record that breaks it).
/// </summary>
internal static class AuditEndpoints
{
    private const string FhirJson = "application/fhir+json";
    private const int MaxLimit = 1000;

    private static readonly JsonSerializerOptions Fhir = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Scopes.Admin).WithMetadata(new AuditedAction(AuditActions.Admin));
        group.MapGet("", QueryAsync).WithName("QueryAudit").WithSummary("Audit records, oldest first")
            .Produces<AuditRecord[]>(contentType: "application/json", additionalContentTypes: [FhirJson]).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAudit").WithSummary("Whether the audit trail's hash chain holds").Produces<AuditVerification>();
        return endpoints;
    }

    private static async Task<IResult> QueryAsync(HttpContext http, AuditTrail trail, string? patientId, string? study, string? subject, string? action,
        string? from, string? to, int? offset, int? limit)
    {
        if (action is not null && !AuditActions.All.Contains(action))
        {
            return Problems.BadRequest($"action must be one of: {string.Join(", ", AuditActions.All)}.");
        }
        if (!TryTime(from, out var fromTime) || !TryTime(to, out var toTime))
        {
            return Problems.BadRequest("from and to are times such as 2026-12-05T08:00:00Z.");
        }
        if (offset is < 0 || limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest($"offset must not be negative and limit must be from 1 to {MaxLimit}.");
        }
        var records = await trail.QueryAsync(new AuditQuery
        {
            PatientId = patientId,
            StudyInstanceUid = study,
            Subject = subject,
            Action = action,
            From = fromTime,
            To = toTime,
            Offset = offset ?? 0,
            Limit = limit ?? 100,
        }, http.RequestAborted);
        bool fhir = MediaType.ParseAccept(http.Request).Any(r => r.Name == FhirJson);
        return fhir ? TypedResults.Json(FhirBundle(records), Fhir, FhirJson) : TypedResults.Json(records);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditTrail trail) => TypedResults.Json(await trail.VerifyAsync(http.RequestAborted));

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }
        bool parsed = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value);
        time = parsed ? value : null;
        return parsed;
    }

    /// <summary>A FHIR R4 searchset of AuditEvent resources, coded with the DICOM audit vocabulary (PS3.15 A.5, PS3.16 CID 400).</summary>
    private static Dictionary<string, object> FhirBundle(IReadOnlyList<AuditRecord> records) => Object(
        ("resourceType", "Bundle"),
        ("type", "searchset"),
        ("total", records.Count),
        ("entry", records.Select(r => Object(("resource", AuditEvent(r)))).ToList()));

    /// <summary>A JSON object of the pairs whose value is not null (FHIR leaves absent elements out).</summary>
    private static Dictionary<string, object> Object(params (string Name, object? Value)[] pairs) =>
        pairs.Where(p => p.Value is not null).ToDictionary(p => p.Name, p => p.Value!);

    private static Dictionary<string, object> AuditEvent(AuditRecord r)
    {
        var (code, display, verb) = r.Action switch
        {
            AuditActions.Store => ("110107", "Import", "C"),
            AuditActions.Search => ("110112", "Query", "E"),
            AuditActions.Delete => ("110105", "DICOM Study Deleted", "D"),
            AuditActions.Update => ("110103", "DICOM Instances Accessed", "U"),
            AuditActions.Restore => ("110107", "Import", "C"),
            AuditActions.Link => ("110113", "Security Alert", "C"),
            AuditActions.Admin => ("110101", "Audit Log Used", "R"),
            AuditActions.AuthenticationFailure => ("110114", "User Authentication", "E"),
            _ => ("110103", "DICOM Instances Accessed", "R"),
        };
        var entities = new List<object>();
        if (r.StudyInstanceUid is not null)
        {
            entities.Add(Object(
                ("what", new { identifier = new { system = "urn:dicom:uid", value = "urn:oid:" + r.StudyInstanceUid } }),
                ("type", new { system = "http://terminology.hl7.org/CodeSystem/audit-entity-type", code = "2", display = "System Object" }),
                ("role", new { system = "http://terminology.hl7.org/CodeSystem/object-role", code = "3", display = "Report" })));
        }
        if (r.PatientId is not null)
        {
            entities.Add(Object(
                ("what", new { identifier = new { value = r.PatientId } }),
                ("type", new { system = "http://terminology.hl7.org/CodeSystem/audit-entity-type", code = "1", display = "Person" }),
                ("role", new { system = "http://terminology.hl7.org/CodeSystem/object-role", code = "1", display = "Patient" })));
        }
        return Object(
            ("resourceType", "AuditEvent"),
            ("id", r.Sequence.ToString(CultureInfo.InvariantCulture)),
            ("type", new { system = "http://dicom.nema.org/resources/ontology/DCM", code, display }),
            ("action", verb),
            ("recorded", r.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            // 0 success, 4 minor failure (refused), 8 serious failure (the server failed).
            ("outcome", r.Succeeded ? "0" : r.Status >= 500 ? "8" : "4"),
            ("outcomeDesc", r.Outcome),
            ("agent", new object[]
            {
                Object(
                    ("who", new { identifier = new { value = r.Subject ?? "anonymous" } }),
                    ("name", r.SubjectName),
                    ("requestor", true),
                    ("network", r.ClientAddress is null ? null : new { address = r.ClientAddress, type = "2" })),
            }),
            ("source", new { observer = new { display = "DicomWebArchive" } }),
            ("entity", entities.Count == 0 ? null : entities));
    }
}
