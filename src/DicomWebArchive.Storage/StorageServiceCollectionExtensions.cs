using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Blobs;
using DicomWebArchive.Storage.Index;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the blob store, the index (as <see cref="IIndexStore"/> and <see cref="IIndexReader"/>) and the
    /// <see cref="OrphanSweeper"/> from the "Storage" section; the options are validated at start-up and the index
    /// schema is migrated by a hosted service before the host starts serving.
    /// </summary>
    public static IServiceCollection AddArchiveStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new FileSystemBlobStore(options.HotRoot, options.CoolRoot);
        });
        services.TryAddSingleton<IBlobStore>(sp => sp.GetRequiredService<FileSystemBlobStore>());

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new SqlIndexStore(new SqliteIndexDatabase(options.IndexConnectionString), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<IIndexStore>(sp => sp.GetRequiredService<SqlIndexStore>());
        services.TryAddSingleton<IIndexReader>(sp => sp.GetRequiredService<SqlIndexStore>());

        services.TryAddSingleton(sp => new OrphanSweeper(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IIndexStore>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.OrphanGracePeriod,
            sp.GetRequiredService<TimeProvider>()));

        services.AddHostedService<IndexInitializer>();
        return services;
    }

    /// <summary>Migrates the index schema when the host starts, before requests are served.</summary>
    private sealed class IndexInitializer(IIndexStore index) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => index.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
