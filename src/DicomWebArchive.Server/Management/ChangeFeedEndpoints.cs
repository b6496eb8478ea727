using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Changes;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;
using DicomWebArchive.Server.Security;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Management;

/// <summary>
/// GET {base}/changefeed and {base}/changefeed/latest, shaped as the Microsoft DICOM server's: entries with Sequence,
/// the three UIDs, Action, Timestamp, State and (unless includemetadata=false) the instance's current DICOM JSON.
/// Without a time window, offset is the sequence to read after; with startTime/endTime, it is how many entries of the
/// window to skip.
/// </summary>
internal static class ChangeFeedEndpoints
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IEndpointRouteBuilder MapChangeFeed(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/changefeed", ReadAsync).WithFeed("ReadChangeFeed", "Changes after a sequence, or within a time window");
        endpoints.MapGet("/changefeed/latest", LatestAsync).WithFeed("ReadLatestChange", "The latest change").ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static RouteHandlerBuilder WithFeed(this RouteHandlerBuilder builder, string name, string summary) => builder
        .WithName(name)
        .WithSummary(summary)
        .WithTags("Change feed")
        .WithMetadata(new AuditedAction(AuditActions.Metadata))
        .Produces(StatusCodes.Status200OK, contentType: "application/json")
        .ProducesProblem(StatusCodes.Status400BadRequest);

    private static async Task<IResult> ReadAsync(HttpContext http, ChangeFeedService feed, IOptions<DicomWebOptions> dicomWeb,
        string? offset, string? limit, string? includemetadata, string? startTime, string? endTime)
    {
        if (!TryLong(offset, 0, out long from) || from < 0)
        {
            return Problems.BadRequest("offset must be a whole number, 0 or more.");
        }
        if (!TryLong(limit, 10, out long count) || count is < 1 or > ChangeFeedService.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {ChangeFeedService.MaxLimit}.");
        }
        if (!TryBool(includemetadata, out bool metadata))
        {
            return Problems.BadRequest("includemetadata must be true or false.");
        }
        if (!TryTime(startTime, out var start) || !TryTime(endTime, out var end) || (start is not null && end is not null && end < start))
        {
            return Problems.BadRequest("startTime and endTime are times such as 2026-01-31T08:00:00Z, startTime not after endTime.");
        }
        var query = new ChangeFeedQuery
        {
            After = start is null && end is null ? from : 0,
            Skip = (int)Math.Min(from, int.MaxValue),
            Limit = (int)count,
            StartTime = start,
            EndTime = end,
            IncludeMetadata = metadata,
        };
        var entries = await feed.ReadAsync(http.Caller(), query, http.RequestAborted);
        return new FeedResult(entries, DicomWebUrls.Root(http.Request, dicomWeb.Value) + "/", single: false);
    }

    private static async Task<IResult> LatestAsync(HttpContext http, ChangeFeedService feed, IOptions<DicomWebOptions> dicomWeb, string? includemetadata)
    {
        if (!TryBool(includemetadata, out bool metadata))
        {
            return Problems.BadRequest("includemetadata must be true or false.");
        }
        var latest = await feed.ReadLatestAsync(http.Caller(), metadata, http.RequestAborted);
        return latest is null
            ? Problems.NotFound("No change has been recorded.")
            : new FeedResult([latest], DicomWebUrls.Root(http.Request, dicomWeb.Value) + "/", single: true);
    }

    private static bool TryLong(string? text, long fallback, out long value)
    {
        value = fallback;
        return text is null || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryBool(string? text, out bool value)
    {
        value = true;
        if (text is null)
        {
            return true;
        }
        return bool.TryParse(text, out value);
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }
        if (text.Length > 64 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return false;
        }
        time = value;
        return true;
    }

    /// <summary>Entries as JSON, each instance's stored DICOM JSON copied in as it is.</summary>
    private sealed class FeedResult(IReadOnlyList<ChangeEntry> entries, string bulkDataRoot, bool single) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, WriterOptions);
            if (!single)
            {
                writer.WriteStartArray();
            }
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteNumber("Sequence", entry.Sequence);
                writer.WriteString("StudyInstanceUid", entry.StudyInstanceUid);
                writer.WriteString("SeriesInstanceUid", entry.SeriesInstanceUid);
                writer.WriteString("SopInstanceUid", entry.SopInstanceUid);
                writer.WriteString("Action", entry.Action);
                writer.WriteString("Timestamp", entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                writer.WriteString("State", entry.State);
                if (entry.Metadata is { } metadata)
                {
                    writer.WritePropertyName("Metadata");
                    writer.WriteRawValue(ChangeFeedService.MetadataJson(metadata, bulkDataRoot), skipInputValidation: true);
                }
                writer.WriteEndObject();
            }
            if (!single)
            {
                writer.WriteEndArray();
            }
            await writer.FlushAsync(httpContext.RequestAborted);
        }
    }
}
