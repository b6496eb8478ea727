using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// Links to one study that an EHR can put behind a "view images" button (as Orthanc's resource tokens): a token that
/// names the study and its expiry, HMAC-signed with Auth:LinkKey. It is passed as ?token=, as a bearer token, or inside
/// a DICOMweb root (/links/{token}/dicomweb) so a viewer configured with that root needs nothing else.
/// </summary>
internal sealed class SignedLinks(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Every link token starts so, which tells it from a JWT in an Authorization header.</summary>
    public const string Prefix = "dwl1.";

    public const string StudyClaim = "link_study";

    public bool IsEnabled => options.Value.LinkKeyBytes is not null;

    public TimeSpan MaxLifetime => options.Value.MaxLinkLifetime;

    public (string Token, DateTimeOffset ExpiresAt) Create(string studyInstanceUid, TimeSpan lifetime, string? issuedBy)
    {
        var expires = time.GetUtcNow().Add(lifetime);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new LinkPayload(studyInstanceUid, expires.ToUnixTimeSeconds(), issuedBy));
        string body = Prefix + Base64Url.EncodeToString(payload);
        return (body + "." + Base64Url.EncodeToString(Sign(body)), DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>The study a valid token names; null with the reason when it is malformed, tampered with or expired.</summary>
    public LinkPayload? Validate(string token, out string? problem)
    {
        problem = "The link is malformed.";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 4096 || options.Value.LinkKeyBytes is null)
        {
            return null;
        }
        int dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length)
        {
            return null;
        }
        string body = token[..dot];
        byte[] signature;
        byte[] payload;
        try
        {
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            payload = Base64Url.DecodeFromChars(body.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, Sign(body)))
        {
            problem = "The link's signature does not match: it was altered or signed with another key.";
            return null;
        }
        LinkPayload? link;
        try
        {
            link = JsonSerializer.Deserialize<LinkPayload>(payload);
        }
        catch (JsonException)
        {
            return null;
        }
        if (link is null || string.IsNullOrEmpty(link.Study))
        {
            return null;
        }
        if (DateTimeOffset.FromUnixTimeSeconds(link.Expires) <= time.GetUtcNow())
        {
            problem = "The link has expired.";
            return null;
        }
        problem = null;
        return link;
    }

    private byte[] Sign(string body) => HMACSHA256.HashData(options.Value.LinkKeyBytes!, Encoding.ASCII.GetBytes(body));

    /// <summary>What a link token carries: the study, the expiry (Unix seconds) and who made it.</summary>
    internal sealed record LinkPayload(string Study, long Expires, string? IssuedBy);
}

/// <summary>The link token found in the path (/links/{token}/...) of this request.</summary>
internal sealed record LinkPathToken(string Token);

/// <summary>
/// Authenticates a request carrying a link token: a principal that may read the one study the link names. Requests
/// without one are left to the bearer scheme; a bad or expired link is a 401.
/// </summary>
internal sealed class LinkAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignedLinks links)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Link";

    /// <summary>The link token of the request wherever it is: path, ?token= or Authorization: Bearer.</summary>
    public static string? TokenOf(HttpContext context)
    {
        if (context.Features.Get<LinkPathToken>() is { } inPath)
        {
            return inPath.Token;
        }
        if (context.Request.Query["token"] is [{ Length: > 0 } query])
        {
            return query;
        }
        string authorization = context.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer " + SignedLinks.Prefix, StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (TokenOf(Context) is not { } token)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (links.Validate(token, out string? problem) is not { } link)
        {
            return Task.FromResult(AuthenticateResult.Fail(problem!));
        }
        var identity = new ClaimsIdentity(
        [
            new Claim("sub", "link:" + (link.IssuedBy ?? "anonymous")),
            new Claim("name", "Signed link to study " + link.Study),
            new Claim("scope", Scopes.Read),
            new Claim(SignedLinks.StudyClaim, link.Study),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

internal static class LinkPaths
{
    /// <summary>
    /// Moves a link token out of the path: /links/{token}/dicomweb/studies/... is served as /dicomweb/studies/... with
    /// the link in the path base, so the URLs the archive writes (RetrieveURL, BulkDataURI) keep the link.
    /// </summary>
    public static IApplicationBuilder UseLinkPaths(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/links", out var rest) && rest.HasValue)
        {
            string value = rest.Value!;
            int slash = value.IndexOf('/', 1);
            string token = slash < 0 ? value[1..] : value[1..slash];
            if (token.StartsWith(SignedLinks.Prefix, StringComparison.Ordinal))
            {
                context.Features.Set(new LinkPathToken(token));
                context.Request.PathBase = context.Request.PathBase.Add("/links/" + token);
                context.Request.Path = slash < 0 ? "/" : value[slash..];
            }
        }
        return next(context);
    });
}
