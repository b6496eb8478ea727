using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Storage.Blobs;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Server.Hosting;

// Interim wiring of the embedded storage until the storage project offers its own registration.
internal static class EmbeddedStorage
{
    public static IServiceCollection AddArchiveStorage(this IServiceCollection services, IConfiguration configuration)
    {
        string dataDirectory = Path.GetFullPath(configuration["Storage:DataDirectory"] ?? "./data");
        var blobs = new FileSystemBlobStore(Path.Combine(dataDirectory, "blobs"), Path.Combine(dataDirectory, "blobs"));
        var index = SqlIndexStore.ForSqlite($"Data Source={Path.Combine(dataDirectory, "index.db")}");
        services.AddSingleton<IBlobStore>(blobs);
        services.AddSingleton<IIndexStore>(index);
        return services;
    }
}
