using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DicomWebArchive.Server.Security;

/// <summary>Documents, per operation, the scope its bearer token needs, and the 401 and 403 it answers without one.</summary>
internal sealed class SecurityOperationFilter : IOperationFilter
{
    public const string SchemeName = "bearer";

    public static readonly OpenApiSecurityScheme Scheme = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
        Description = "A JWT with scope dicom.read, dicom.write, dicom.delete or dicom.admin, or a signed link token (dwl1.…) for reads of one study.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var policies = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (policies.Count == 0)
        {
            return;
        }
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = policies });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or a token that is expired, wrongly signed or for another audience" });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the scope: " + string.Join(", ", policies) });
    }
}
