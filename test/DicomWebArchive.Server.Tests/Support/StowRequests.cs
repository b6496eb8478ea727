using System.Net.Http.Headers;
using System.Text.Json;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>Builds STOW-RS requests and reads their responses.</summary>
internal static class StowRequests
{
    public const string Boundary = "dwa-test-boundary-7d3f";

    public static MultipartContent Multipart(IEnumerable<byte[]> instances, bool quotedType = true, string? extraParameter = null) =>
        Multipart(instances.Select(bytes => (HttpContent)new ByteArrayContent(bytes)), quotedType, extraParameter);

    public static MultipartContent Multipart(IEnumerable<HttpContent> parts, bool quotedType = true, string? extraParameter = null)
    {
        var content = new MultipartContent("related", Boundary);
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", quotedType ? "\"application/dicom\"" : "application/dicom"));
        if (extraParameter is not null)
        {
            var pair = extraParameter.Split('=', 2);
            content.Headers.ContentType.Parameters.Add(new NameValueHeaderValue(pair[0], pair[1]));
        }
        foreach (var part in parts)
        {
            part.Headers.ContentType ??= new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }
        return content;
    }

    public static MultipartContent MultipartFiles(IEnumerable<string> paths) =>
        Multipart(paths.Select(path => (HttpContent)new StreamContent(File.OpenRead(path))));

    public static async Task<StoreResult> PostAsync(HttpClient client, HttpContent content, string path = "/dicomweb/studies")
    {
        using var response = await client.PostAsync(path, content);
        string body = await response.Content.ReadAsStringAsync();
        return new StoreResult((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }
}

/// <summary>A parsed Store Instances Response.</summary>
internal sealed record StoreResult(int Status, string? ContentType, string Body)
{
    public IReadOnlyList<(string? SopClass, string? SopInstance, string? RetrieveUrl, int? Warning)> Referenced =>
        Items("00081199").Select(i => (Str(i, "00081150"), Str(i, "00081155"), Str(i, "00081190"), Num(i, "00081196"))).ToList();

    public IReadOnlyList<(string? SopClass, string? SopInstance, int Reason)> Failed =>
        Items("00081198").Select(i => (Str(i, "00081150"), Str(i, "00081155"), Num(i, "00081197") ?? -1)).ToList();

    /// <summary>Error Comment (0000,0902) of each FailedSOPSequence item, in order.</summary>
    public IReadOnlyList<string?> FailureComments => Items("00081198").Select(i => Str(i, "00000902")).ToList();

    /// <summary>Error Comment (0000,0902) of each ReferencedSOPSequence item, in order (a warning's reason in words).</summary>
    public IReadOnlyList<string?> ReferencedComments => Items("00081199").Select(i => Str(i, "00000902")).ToList();

    public string? StudyRetrieveUrl => Str(Root, "00081190");

    private JsonElement Root => JsonDocument.Parse(Body).RootElement;

    private List<JsonElement> Items(string tag) =>
        Root.TryGetProperty(tag, out var sequence) && sequence.TryGetProperty("Value", out var items) ? [.. items.EnumerateArray()] : [];

    private static string? Str(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var value) ? value[0].GetString() : null;

    private static int? Num(JsonElement item, string tag) =>
        item.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var value) ? value[0].GetInt32() : null;

    public override string ToString() => $"{Status} {ContentType} {Body}";
}
