using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace DicomWebArchive.Cli.Common;

/// <summary>One HTTP client for one DICOMweb root: authentication, connection pool, and the errors a user can act on.</summary>
internal sealed class DicomWebClient : IDisposable
{
    public const string DicomJson = "application/dicom+json";

    public DicomWebClient(ServerSettings settings, int connections)
    {
        Root = settings.Url.TrimEnd('/');
        HasToken = settings.EffectiveToken is not null;
        Retries = settings.Retries;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, connections),
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        Http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
        // Orthanc never answers "100 Continue": a client waiting for it would measure nothing but the wait.
        Http.DefaultRequestHeaders.ExpectContinue = false;
        Http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("dicomweb", "1.0"));
        if (settings.EffectiveToken is { } token)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The DICOMweb root without a trailing slash.</summary>
    public string Root { get; }

    public HttpClient Http { get; }

    public int Retries { get; }

    private bool HasToken { get; }

    public Uri Url(string relative) => new(Root + relative);

    /// <summary>GET with retries; a failure status becomes a <see cref="CliException"/> naming the cause.</summary>
    public async Task<HttpResponseMessage> GetAsync(string relative, string accept, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseHeadersRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await Retry.SendAsync(Http, () => Get(relative, accept), completion, Retries, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Retry.IsTransient(ex, cancellationToken))
        {
            throw Unreachable(ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        return response;
    }

    public HttpRequestMessage Get(string relative, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url(relative));
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    /// <summary>
    /// Asks for one study once, without retrying, so that a wrong URL, a server that is down or missing credentials
    /// are told at once instead of after a folder was scanned and every batch retried.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = Get("/studies?limit=1", DicomJson);
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (Retry.IsTransient(ex, cancellationToken))
        {
            throw Unreachable(ex);
        }
    }

    /// <summary>"cannot reach" for a connection that could not be made or was lost; the cause itself for anything else.</summary>
    public CliException Unreachable(Exception ex)
    {
        var cause = ex;
        while (cause.InnerException is not null && cause is not SocketException)
        {
            cause = cause.InnerException;
        }
        if (ex is TaskCanceledException)
        {
            return new CliException($"no answer from {Root} in time", ex);
        }
        bool connection = cause is SocketException || ex is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ResponseEnded,
        };
        return new CliException(connection ? $"cannot reach {Root}: {cause.Message}" : $"request to {Root} failed: {cause.Message}", ex);
    }

    /// <summary>The one-line explanation of a failure status, with the server's own words when it sent some.</summary>
    public async Task<CliException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int code = (int)response.StatusCode;
        string url = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path) ?? Root;
        string message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when HasToken =>
                $"authentication required: the server refused the token (HTTP {code}); use --token or DICOMWEB_TOKEN with a valid one",
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"authentication required: use --token or DICOMWEB_TOKEN (HTTP {code})",
            HttpStatusCode.NotFound when url.EndsWith("/studies", StringComparison.Ordinal) =>
                $"{url} was not found (HTTP 404): is {Root} the DICOMweb root? (ours: http://host:8080/dicomweb, Orthanc: http://host:8042/dicom-web)",
            _ => $"{url} answered {Describe(response, await ReadTextAsync(response, cancellationToken).ConfigureAwait(false))}",
        };
        return new CliException(message);
    }

    /// <summary>"HTTP 400 Bad Request: the server's words" from a short text or JSON body (a problem document's "detail", else its first line).</summary>
    public static string Describe(HttpResponseMessage response, string body) =>
        $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{Explanation(body)}";

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static string Explanation(string body)
    {
        if (body.Length == 0 || body.Length > 64 * 1024 || body.Contains('\0', StringComparison.Ordinal))
        {
            return "";
        }
        string text = body;
        if (body.TrimStart().StartsWith('{'))
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                // JSON that explains nothing (a store response with empty sequences) is better left out than shown.
                text = "";
                foreach (var name in (string[])["detail", "Details", "message", "Message", "title"])
                {
                    if (json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String)
                    {
                        text = value.GetString()!;
                        break;
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        var line = new StringBuilder();
        foreach (char c in text.AsSpan().Trim())
        {
            if (c is '\r' or '\n' || line.Length >= 200)
            {
                break;
            }
            line.Append(c);
        }
        return line.Length == 0 ? "" : ": " + line;
    }

    public void Dispose() => Http.Dispose();
}
