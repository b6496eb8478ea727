using DicomWebArchive.Core;
using DicomWebArchive.Core.Audit;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Changes;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Maintenance;
using DicomWebArchive.Core.Operations;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Core.Tiers;
using DicomWebArchive.Storage.Blobs;
using DicomWebArchive.Storage.Index;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the blob store, the index (as <see cref="IIndexStore"/>, <see cref="IIndexReader"/>,
    /// <see cref="IQueryIndex"/>, <see cref="IMaintenanceIndex"/>, <see cref="IChangeFeedIndex"/> and <see cref="IOperationStore"/>) and the <see cref="OrphanSweeper"/> from section "Storage", validated at start-up; the
    /// index schema is migrated by <see cref="IndexInitializer"/> when the host starts.
    /// </summary>
    public static IServiceCollection AddArchiveStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddArchiveOptions<StorageOptions>();
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new FileSystemBlobStore(options.HotRoot, options.CoolRoot, options.ColdRoot, options.ArchiveRoot);
        });
        services.TryAddSingleton(sp => AzureBlobStore.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Blobs.Azure));
        services.TryAddSingleton<IBlobStore>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.BlobProvider == StorageBlobOptions.AzureProvider
            ? sp.GetRequiredService<AzureBlobStore>()
            : sp.GetRequiredService<FileSystemBlobStore>());
        services.AddHostedService(sp => new AzureContainerStartup(sp));

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new SqlIndexStore(IndexDatabase.Create(options.IndexProvider, options.IndexConnectionString), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IIndexStore>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IIndexReader>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IQueryIndex>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IAuditStore>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<ITierIndex>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IMaintenanceIndex>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IChangeFeedIndex>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IOperationStore>(sp => sp.GetRequiredService<SqlIndexStore>());

        services.TryAddSingleton(sp => new OrphanSweeper(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IIndexStore>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Sweeper.GracePeriod,
            sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton<Backup.ArchiveBackup>();
        services.AddHostedService<IndexInitializer>();
        return services;
    }

    /// <summary>Creates the Azure container at start-up when the blobs are on Azure; nothing otherwise.</summary>
    private sealed class AzureContainerStartup(IServiceProvider services) : IHostedService
    {
        private BlobStoreInitializer? _initializer;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (services.GetRequiredService<IOptions<StorageOptions>>().Value.BlobProvider != StorageBlobOptions.AzureProvider)
            {
                return Task.CompletedTask;
            }
            _initializer = ActivatorUtilities.CreateInstance<BlobStoreInitializer>(services);
            return _initializer.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _initializer?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
