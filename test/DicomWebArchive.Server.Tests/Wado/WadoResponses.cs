using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Tests.Wado;

/// <summary>A part of a multipart/related response.</summary>
internal sealed record ResponsePart(string? ContentType, string? ContentLocation, byte[] Body);

internal static class WadoResponses
{
    public static async Task<List<ResponsePart>> ReadPartsAsync(HttpResponseMessage response)
    {
        var contentType = MediaTypeHeaderValue.Parse(response.Content.Headers.ContentType!.ToString());
        Assert.That(contentType.MediaType.Value, Is.EqualTo("multipart/related"), "response type");
        string boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!;
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var parts = new List<ResponsePart>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var body = new MemoryStream();
            await section.Body.CopyToAsync(body);
            section.Headers!.TryGetValue("Content-Location", out var location);
            parts.Add(new ResponsePart(section.ContentType, location.Count > 0 ? location[0] : null, body.ToArray()));
        }
        return parts;
    }

    public static HttpRequestMessage Get(string url, string? accept = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>pydicom's frames per file (SHA-256 each), from frames_oracle.py.</summary>
    public static Dictionary<string, JsonElement> PydicomFrames(IEnumerable<string> files)
    {
        using var json = JsonDocument.Parse(ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Wado", "frames_oracle.py"), [.. files]));
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
