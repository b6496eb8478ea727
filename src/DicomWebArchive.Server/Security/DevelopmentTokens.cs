using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// <c>dotnet run --project src/DicomWebArchive.Server -- token --subject alice --scope "dicom.read dicom.write"
/// [--claim institution=North] [--lifetime 08:00:00]</c>: prints an HS256 token signed with Auth:SigningKey, for
/// development and tests (production tokens come from the OpenID Connect issuer).
/// </summary>
internal static class DevelopmentTokens
{
    public static int Run(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (options.SigningKeyBytes is not { Length: >= 32 } key)
        {
            error.WriteLine("Set Auth:SigningKey (base64 of at least 32 bytes: openssl rand -base64 32), the key the server checks tokens with.");
            return 2;
        }
        string? subject = null, name = null;
        var scopes = new List<string>();
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        var lifetime = TimeSpan.FromHours(8);
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--subject" or "--sub":
                        subject = Value();
                        break;
                    case "--name":
                        name = Value();
                        break;
                    case "--scope":
                        scopes.AddRange(Value().Split(' ', StringSplitOptions.RemoveEmptyEntries));
                        break;
                    case "--claim":
                        var pair = Value().Split('=', 2);
                        if (pair.Length != 2 || pair[0].Length == 0)
                        {
                            throw new ArgumentException("--claim takes name=value.");
                        }
                        // A claim named twice becomes a list, as identity providers send several institutions.
                        claims[pair[0]] = claims.TryGetValue(pair[0], out var existing) ? (existing is List<string> list ? [.. list, pair[1]] : new List<string> { (string)existing, pair[1] }) : pair[1];
                        break;
                    case "--lifetime":
                        lifetime = TimeSpan.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    default:
                        if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains(':', StringComparison.Ordinal))
                        {
                            i += args[i].Contains('=', StringComparison.Ordinal) ? 0 : 1; // a setting such as --Auth:SigningKey, read by configuration
                            break;
                        }
                        throw new ArgumentException($"Unknown option {args[i]}; use --subject, --name, --scope, --claim name=value, --lifetime.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                error.WriteLine(e.Message);
                return 2;
            }
        }
        if (string.IsNullOrWhiteSpace(subject))
        {
            error.WriteLine("--subject is required: who the token speaks for.");
            return 2;
        }
        claims["sub"] = subject;
        if (name is not null)
        {
            claims["name"] = name;
        }
        if (scopes.Count > 0)
        {
            claims["scope"] = string.Join(' ', scopes.Distinct());
        }
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = string.IsNullOrWhiteSpace(options.Issuer) ? null : options.Issuer,
            Audience = string.IsNullOrWhiteSpace(options.Audience) ? null : options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        output.WriteLine(new JsonWebTokenHandler().CreateToken(descriptor));
        return 0;
    }
}
