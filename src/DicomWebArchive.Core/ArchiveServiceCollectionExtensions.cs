using DicomWebArchive.Core.Changes;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Core.Retrieve;
using DicomWebArchive.Core.Store;
using DicomWebArchive.Core.Update;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DicomWebArchive.Core;

public static class ArchiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers the archive's operations, each taking an <see cref="ArchiveCaller"/>: store, search, retrieve, metadata,
    /// render, delete and restore, the change feed, bulk update and storage verification (run by an
    /// <see cref="OperationRunner"/>), and the index rebuild. They need an <see cref="Blobs.IBlobStore"/> and the index
    /// (the Storage project registers both).
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
        services.AddArchiveOptions<RetentionOptions>();
        services.AddSingleton<StoreService>();
        services.AddSingleton<SearchService>();
        services.AddSingleton<RetrieveService>();
        services.AddSingleton<MetadataService>();
        services.AddSingleton<RenderService>();
        services.AddSingleton<ArchiveHealth>();
        services.AddSingleton<Audit.AuditTrail>();
        services.AddSingleton<DeletionService>();
        services.AddSingleton<ChangeFeedService>();
        services.AddSingleton<BulkUpdateService>();
        services.AddSingleton<BulkUpdateHandler>();
        services.AddSingleton<StorageVerifier>();
        services.AddSingleton<IOperationHandler>(sp => sp.GetRequiredService<BulkUpdateHandler>());
        services.AddSingleton<IOperationHandler>(sp => sp.GetRequiredService<StorageVerifier>());
        services.AddSingleton<OperationRunner>();
        services.AddSingleton<IndexRebuilder>();
        return services;
    }
}
