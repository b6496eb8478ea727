using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWebArchive.Core.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers <see cref="StoreService"/> with its options bound from section "Store" and validated at start-up.</summary>
    public static IServiceCollection AddArchiveStore(this IServiceCollection services)
    {
        services.AddOptions<StoreOptions>()
            .BindConfiguration(StoreOptions.Section)
            .Validate(o => Enum.IsDefined(o.Duplicates), "Store:Duplicates must be Reject or Overwrite.")
            .Validate(o => o.BulkDataThreshold >= 0, "Store:BulkDataThreshold must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<StoreService>();
        return services;
    }
}
