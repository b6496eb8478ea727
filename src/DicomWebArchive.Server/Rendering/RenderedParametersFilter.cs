using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DicomWebArchive.Server.Rendering;

/// <summary>Marks rendered endpoints, whose query parameters are parsed from the request (strictly, with 400s) rather than bound.</summary>
internal sealed class RenderedParameters;

/// <summary>Documents the query parameters of rendered and thumbnail resources (PS3.18 §8.3.5.1).</summary>
internal sealed class RenderedParametersFilter : IOperationFilter
{
    private static readonly (string Name, string Description)[] Parameters =
    [
        ("accept", "image/jpeg (default) or image/png; overrides the Accept header so plain links work."),
        ("quality", "JPEG quality, 1 to 100 (default 90)."),
        ("viewport", "'width,height': the image is scaled to fit inside, keeping its aspect ratio (thumbnails default to 128,128)."),
        ("window", "'center,width[,function]' in modality units, function linear (default), linear-exact or sigmoid; default: the data set's first window, else the frame's range."),
    ];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RenderedParameters>().Any())
        {
            return;
        }
        operation.Parameters ??= [];
        foreach (var (name, description) in Parameters)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }
}
