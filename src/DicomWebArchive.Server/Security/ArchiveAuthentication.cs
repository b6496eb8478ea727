using System.Net;
using DicomWebArchive.Core;
using DicomWebArchive.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// Authentication and authorization of every endpoint: JWT bearer tokens (an OpenID Connect issuer, or an HS256 key in
/// development), signed links to one study, scopes per operation, and the per-study access of each caller. Without
/// Auth settings the archive runs open, which it allows only when every URL it listens on is loopback.
/// </summary>
internal static partial class ArchiveAuthentication
{
    private const string SelectorScheme = "Archive";

    /// <summary>Why the server must not start as configured: listening beyond loopback with no way to authenticate.</summary>
    public static string? RefusalReason(IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        return !options.UsesTokens && !options.AllowAnonymous && NonLoopbackUrl(configuration) is { } exposed
            ? $"The archive would serve patient data without authentication on {exposed}. Set Auth:Authority and Auth:Audience " +
              "(an OpenID Connect issuer) or Auth:SigningKey, or set Auth:AllowAnonymous=true to accept that risk."
            : null;
    }

    public static WebApplicationBuilder AddArchiveAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddArchiveOptions<AuthOptions>();
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        bool anonymous = !options.UsesTokens;
        builder.Services.AddSingleton(new AuthenticationMode(anonymous));
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddSingleton<IAuthorizationHandler, ScopeHandler>();
        builder.Services.AddSingleton<IStudyAccessPolicy, ClaimsStudyAccess>();
        builder.Services.AddAuthorization(Scopes.AddPolicies);

        var authentication = builder.Services.AddAuthentication(SelectorScheme)
            .AddScheme<AuthenticationSchemeOptions, LinkAuthenticationHandler>(LinkAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "Bearer token or signed link", selector => selector.ForwardDefaultSelector = context =>
                LinkAuthenticationHandler.TokenOf(context) is not null || anonymous ? LinkAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme);
        if (!anonymous)
        {
            authentication.AddJwtBearer(jwt => ConfigureJwt(jwt, options));
        }
        return builder;
    }

    /// <summary>Logs, loudly, that nobody is asked who they are.</summary>
    public static void WarnWhenAnonymous(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AuthenticationMode>().IsAnonymous)
        {
            LogAnonymous(app.Logger);
        }
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, AuthOptions options)
    {
        // Claims keep their token names ("sub", "scope"): the archive reads them as issued.
        jwt.MapInboundClaims = false;
        jwt.Audience = options.Audience;
        jwt.TokenValidationParameters.ValidateAudience = !string.IsNullOrWhiteSpace(options.Audience);
        jwt.TokenValidationParameters.NameClaimType = "name";
        jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        if (!string.IsNullOrWhiteSpace(options.Authority))
        {
            jwt.Authority = options.Authority;
            jwt.RequireHttpsMetadata = options.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            return;
        }
        jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(options.SigningKeyBytes!);
        jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
        jwt.TokenValidationParameters.ValidateIssuer = !string.IsNullOrWhiteSpace(options.Issuer);
    }

    /// <summary>The first URL the server is configured to listen on that is not loopback; null when all are.</summary>
    private static string? NonLoopbackUrl(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""))
            .Where(u => u.Length > 0);
        foreach (var url in urls)
        {
            int scheme = url.IndexOf("://", StringComparison.Ordinal);
            string authority = scheme < 0 ? url : url[(scheme + 3)..];
            string host = authority.Split('/')[0];
            host = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
            bool loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
            if (!loopback)
            {
                return url;
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUTHENTICATION IS OFF: anyone who reaches this server reads and writes every study. Set Auth:Authority and Auth:Audience, or Auth:SigningKey, before storing patient data.")]
    private static partial void LogAnonymous(ILogger logger);
}

/// <summary>
/// The studies a caller may see: administrators all; a signed link its one study; with per-study access configured
/// (Auth:StudyAccess) the studies whose access key is among the values of the caller's claim; otherwise all.
/// </summary>
internal sealed class ClaimsStudyAccess(Microsoft.Extensions.Options.IOptions<StudyAccessOptions> options) : IStudyAccessPolicy
{
    public StudyAccess For(HttpContext context)
    {
        var user = context.User;
        if (user.FindFirst(SignedLinks.StudyClaim)?.Value is { } linkedStudy)
        {
            return StudyAccess.OnlyStudies(linkedStudy);
        }
        if (!options.Value.IsEnabled || user.Identity?.IsAuthenticated != true || Scopes.Of(user).Contains(Scopes.Admin))
        {
            return StudyAccess.All;
        }
        // Each value of the claim is one key ("St Mary's Hospital"); a JSON array arrives as one claim per value.
        return StudyAccess.OnlyKeys([.. user.FindAll(options.Value.Claim!).Select(c => c.Value)]);
    }
}
