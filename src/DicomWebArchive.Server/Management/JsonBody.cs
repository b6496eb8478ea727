using System.Text.Json;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Management;

/// <summary>
/// Reads a small JSON request body with limits a hostile client cannot push past: at most <see cref="MaxBytes"/> (413
/// beyond), a bounded depth, and a 400 naming what is wrong when it does not parse.
/// </summary>
internal static class JsonBody
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The body as a document (null when <paramref name="optional"/> and empty), or the problem to answer.</summary>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpRequest request, bool optional)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, TooLarge());
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return optional ? (null, null) : (null, Problems.BadRequest("The request needs a JSON body."));
        }
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "The body must be application/json."));
        }
        try
        {
            var document = JsonDocument.Parse(buffer.ToArray(), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, Problems.BadRequest("The body must be a JSON object."));
            }
            return (document, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
    }

    /// <summary>The value of a property, whatever the case of its name (clients spell them studyInstanceUids or StudyInstanceUids).</summary>
    public static JsonElement? Property(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }
        return null;
    }

    private static IResult TooLarge() => Problems.Of(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {MaxBytes} bytes.");
}
