using Microsoft.Extensions.DependencyInjection;

namespace DicomWebArchive.Core.Rendering;

public static class RenderingServiceCollectionExtensions
{
    public static IServiceCollection AddArchiveRendering(this IServiceCollection services)
    {
        services.AddSingleton<RenderService>();
        return services;
    }
}
