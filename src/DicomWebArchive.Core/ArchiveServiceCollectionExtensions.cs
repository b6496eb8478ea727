using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DicomWebArchive.Core;

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers the archive's operations, each taking an <see cref="ArchiveCaller"/>: store, search, retrieve, metadata
    /// and render. They need an <see cref="Blobs.IBlobStore"/> and the index (the Storage project registers both).
    /// </summary>
    public static IServiceCollection AddArchiveServices(this IServiceCollection services)
    {
        services.AddArchiveOptions<StoreOptions>();
        services.AddArchiveOptions<StudyAccessOptions>();
        services.AddArchiveOptions<Tiers.LifecycleOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Tiers.TierMover>();
        services.AddSingleton<Tiers.StudyTiering>();
        services.AddSingleton<Tiers.LifecyclePolicy>();
        services.AddSingleton<Tiers.TierService>();
        services.AddSingleton<StoreService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<RetrieveService>();
        services.AddSingleton<MetadataService>();
        services.AddSingleton<RenderService>();
        services.AddSingleton<ArchiveHealth>();
        services.AddSingleton<Audit.AuditTrail>();
        return services;
    }
}
