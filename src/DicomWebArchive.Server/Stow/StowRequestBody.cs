using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DicomWebArchive.Server.Stow;

/// <summary>
/// Marks STOW endpoints so the OpenAPI document describes their streamed request body. Accepts metadata would do the
/// same but also makes routing match Content-Type literally, refusing valid variants (unquoted type, extra parameters)
/// before the endpoint can parse them.
/// </summary>
internal sealed class StowRequestBody
{
    public static readonly string[] MediaTypes = ["multipart/related; type=\"application/dicom\"", "application/dicom"];
}

internal sealed class StowRequestBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<StowRequestBody>().Any())
        {
            return;
        }
        var content = new Dictionary<string, IOpenApiMediaType>();
        foreach (var mediaType in StowRequestBody.MediaTypes)
        {
            content[mediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "DICOM Part 10 instances, one per part, streamed.",
            Content = content,
        };
        foreach (var (status, description) in new[] { ("200", "All instances stored"), ("202", "Some instances stored, others failed or stored with warnings"), ("409", "No instance stored: every instance was refused") })
        {
            operation.Responses ??= [];
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description + " (PS3.18 Store Instances Response)",
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    [StoreResponse.JsonMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                    [StoreResponse.XmlMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                },
            };
        }
    }
}
