using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace DicomWebArchive.Server.Security;

/// <summary>
/// What a token allows, from its "scope" or "scp" claim (space-separated) or its "roles": reading (QIDO, WADO, rendered,
/// WADO-URI), writing (STOW), deleting, and administering (everything). Each is also the name of the policy that requires it.
/// </summary>
internal static class Scopes
{
    public const string Read = "dicom.read";
    public const string Write = "dicom.write";
    public const string Delete = "dicom.delete";
    public const string Admin = "dicom.admin";

    public static readonly string[] All = [Read, Write, Delete, Admin];

    /// <summary>The scopes a principal holds.</summary>
    public static HashSet<string> Of(ClaimsPrincipal user)
    {
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.Claims)
        {
            if (claim.Type is "scope" or "scp" or "roles" or "role" or ClaimTypes.Role)
            {
                scopes.UnionWith(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return scopes;
    }

    public static bool Allows(ClaimsPrincipal user, string scope)
    {
        var held = Of(user);
        return held.Contains(scope) || held.Contains(Admin);
    }

    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var scope in All)
        {
            options.AddPolicy(scope, policy => policy.AddRequirements(new ScopeRequirement(scope)));
        }
    }
}

/// <summary>The caller holds the scope, or dicom.admin; when the archive runs without authentication, everyone does.</summary>
internal sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

internal sealed class ScopeHandler(AuthenticationMode mode) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (mode.IsAnonymous || (context.User.Identity?.IsAuthenticated == true && Scopes.Allows(context.User, requirement.Scope)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Whether the archive checks tokens, decided once at start-up.</summary>
internal sealed record AuthenticationMode(bool IsAnonymous);
