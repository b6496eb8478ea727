using DicomWebArchive.Core;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// Section "Auth": who may call the archive. Production names an OpenID Connect issuer (<see cref="Authority"/>) whose
/// keys are found by discovery; development and tests sign their own tokens with <see cref="SigningKey"/>. With
/// neither, the archive runs without authentication, which it allows only on loopback or with <see cref="AllowAnonymous"/>.
/// </summary>
internal sealed class AuthOptions : IArchiveOptions
{
    public static string Section => "Auth";

    /// <summary>The OpenID Connect issuer, e.g. https://login.example.org/realms/hospital; keys come from its discovery document.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for.</summary>
    public string? Audience { get; set; }

    /// <summary>A base64 HMAC key for HS256 tokens (development and tests), at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The issuer HS256 tokens must carry; any issuer when empty.</summary>
    public string? Issuer { get; set; }

    /// <summary>Serve without authentication even when listening beyond loopback (never for patient data).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>A base64 HMAC key (at least 32 bytes) that signs links to one study; no links without it.</summary>
    public string? LinkKey { get; set; }

    /// <summary>The longest a signed link may live.</summary>
    public TimeSpan MaxLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    public bool UsesTokens => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKey);

    public byte[]? SigningKeyBytes => Key(SigningKey);

    public byte[]? LinkKeyBytes => Key(LinkKey);

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return "Auth:Authority and Auth:SigningKey are exclusive: name an OpenID Connect issuer in production, a signing key in development.";
        }
        if (!string.IsNullOrWhiteSpace(Authority) && (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http")))
        {
            yield return $"Auth:Authority '{Authority}' is not an issuer URL such as https://login.example.org/realms/hospital.";
        }
        if (!string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Auth:Audience must name the audience tokens are issued for when Auth:Authority is set.";
        }
        if (!string.IsNullOrWhiteSpace(SigningKey) && SigningKeyBytes is not { Length: >= 32 })
        {
            yield return "Auth:SigningKey must be base64 of at least 32 random bytes (openssl rand -base64 32).";
        }
        if (!string.IsNullOrWhiteSpace(LinkKey) && LinkKeyBytes is not { Length: >= 32 })
        {
            yield return "Auth:LinkKey must be base64 of at least 32 random bytes (openssl rand -base64 32).";
        }
        if (MaxLinkLifetime <= TimeSpan.Zero)
        {
            yield return "Auth:MaxLinkLifetime must be positive.";
        }
    }

    private static byte[]? Key(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), bytes, out int written) ? bytes[..written] : null;
    }
}
