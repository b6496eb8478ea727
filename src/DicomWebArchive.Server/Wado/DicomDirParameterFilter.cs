using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DicomWebArchive.Server.Wado;

/// <summary>Marks the retrieve endpoints whose application/zip response can carry a DICOMDIR.</summary>
internal sealed class DicomDirOption;

/// <summary>Documents the dicomdir query parameter, which the handler parses itself (strictly, with a 400).</summary>
internal sealed class DicomDirParameterFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DicomDirOption>().Any())
        {
            return;
        }
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = WadoEndpoints.DicomDirParameter,
            In = ParameterLocation.Query,
            Description = "true: the application/zip response is a DICOM File-set (PS3.10) with a DICOMDIR at its root and instances under "
                + "File IDs such as DICOM/P0000001/S0000001/SE000001/IM000001; false (default): {study}/{series}/{instance}.dcm. Ignored for other media types.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
    }
}
