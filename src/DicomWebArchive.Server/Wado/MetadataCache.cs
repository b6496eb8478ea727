using Microsoft.Extensions.Caching.Memory;

namespace DicomWebArchive.Server.Wado;

/// <summary>
/// Assembled (and compressed) metadata responses by strong ETag and content coding. The ETag is recomputed from the
/// index on every request, so a cached body is only ever served for exactly the instances it was made from; entries
/// are shared safely by every host in the process and evicted by size.
/// </summary>
internal static class MetadataCache
{
    /// <summary>Responses larger than this are streamed and not kept.</summary>
    public const int MaxEntryBytes = 16 * 1024 * 1024;

    private static readonly MemoryCache Cache = new(new MemoryCacheOptions { SizeLimit = 128L * 1024 * 1024, CompactionPercentage = 0.25 });

    public static byte[]? Get(string etag, string coding) => Cache.TryGetValue(Key(etag, coding), out byte[]? body) ? body : null;

    public static void Set(string etag, string coding, byte[] body)
    {
        if (body.Length <= MaxEntryBytes)
        {
            Cache.Set(Key(etag, coding), body, new MemoryCacheEntryOptions { Size = body.Length, SlidingExpiration = TimeSpan.FromMinutes(30) });
        }
    }

    private static string Key(string etag, string coding) => coding + " " + etag;
}
