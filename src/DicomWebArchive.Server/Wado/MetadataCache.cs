using DicomWebArchive.Core.Index;
using DicomWebArchive.Server.Hosting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// Assembled (and compressed) metadata responses by strong ETag and content coding. The ETag comes from the index on
/// every request, so a cached body is only ever served for exactly the instances it was made from, in this process or
/// after another replica changed them. Limits: DicomWeb:MetadataCacheBytes and DicomWeb:MetadataCacheEntryBytes.
/// </summary>
internal sealed class MetadataCache : IDisposable
{
    // A 5,000-instance study assembles to a few MB; beyond that a response is streamed rather than kept.
    private const int MaxCachedInstances = 5000;

    private readonly MemoryCache? _cache;
    private readonly int _maxEntryBytes;

    public MetadataCache(IOptions<DicomWebOptions> options)
    {
        var settings = options.Value;
        _maxEntryBytes = settings.MetadataCacheEntryBytes;
        if (settings.MetadataCacheBytes > 0)
        {
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.MetadataCacheBytes, CompactionPercentage = 0.25 });
        }
    }

    /// <summary>True when a response for these instances is worth assembling in memory to keep.</summary>
    public bool Accepts(IReadOnlyList<InstanceContent> instances) => _cache is not null && instances.Count <= MaxCachedInstances;

    public byte[]? Get(string etag, string coding) => _cache is not null && _cache.TryGetValue(Key(etag, coding), out byte[]? body) ? body : null;

    public void Set(string etag, string coding, byte[] body)
    {
        if (_cache is not null && body.Length <= _maxEntryBytes)
        {
            _cache.Set(Key(etag, coding), body, new MemoryCacheEntryOptions { Size = body.Length, SlidingExpiration = TimeSpan.FromMinutes(30) });
        }
    }

    public void Dispose() => _cache?.Dispose();

    private static string Key(string etag, string coding) => coding + " " + etag;
}
