using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Storage.Blobs;

/// <summary>
/// Blobs in one Azure Blob Storage container, named by their opaque key. Uploads stage blocks as the bytes stream in
/// and commit the block list only when the instance is complete, so no reader ever sees part of a blob; frames and bulk
/// data are ranged GETs. Tiers are the blob's access tier, changed in place (an archived blob is rehydrated by setting
/// it back with a rehydrate priority). Failed and throttled requests are retried by the SDK's own policy; when its
/// retries are exhausted the failure surfaces as <see cref="BlobStoreUnavailableException"/>.
/// </summary>
public sealed partial class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private readonly int _blockSize;
    private readonly RehydratePriority _priority;
    private readonly string _setting;

    internal AzureBlobStore(BlobContainerClient container, int blockSize, RehydratePriority priority, string setting)
    {
        _container = container;
        _blockSize = blockSize;
        _priority = priority;
        _setting = setting;
        Description = $"Azure blob container '{container.Name}' at {container.Uri.GetLeftPart(UriPartial.Authority)}{container.Uri.AbsolutePath}";
    }

    /// <summary>A store for the configured account and container; nothing is contacted until first used.</summary>
    public static AzureBlobStore Create(AzureBlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        var service = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new BlobServiceClient(options.ServiceUri, new DefaultAzureCredential(), clientOptions)
            : new BlobServiceClient(options.ConnectionString, clientOptions);
        var priority = string.Equals(options.RehydratePriority, "Standard", StringComparison.OrdinalIgnoreCase) ? RehydratePriority.Standard : RehydratePriority.High;
        string setting = string.IsNullOrWhiteSpace(options.ConnectionString) ? "Storage:Blobs:Azure:ServiceUri" : "Storage:Blobs:Azure:ConnectionString";
        return new AzureBlobStore(service.GetBlobContainerClient(options.Container), options.BlockSize, priority, setting);
    }

    /// <summary>Which account and container, safe to log (no key).</summary>
    public string Description { get; }

    public IReadOnlySet<BlobTier> Tiers { get; } = new HashSet<BlobTier>(Enum.GetValues<BlobTier>());

    /// <summary>High priority usually finishes within an hour; standard within fifteen.</summary>
    public TimeSpan RehydrationTime => _priority == RehydratePriority.High ? TimeSpan.FromHours(1) : TimeSpan.FromHours(15);

    /// <summary>Creates the container when it is missing; throws when the account does not answer.</summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken) =>
        await CallAsync(null, () => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);

    public Task<IBlobWriter> CreateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = BlobKey.NewRandom();
        return Task.FromResult<IBlobWriter>(new BlockWriter(this, key, _container.GetBlockBlobClient(key), _blockSize));
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        try
        {
            var download = await CallAsync(key, () => Blob(key).DownloadStreamingAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, ByteRange range, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Offset);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Length);
        try
        {
            if (range.Length == 0)
            {
                // An empty range has no HTTP form: answer it once the blob is known to exist.
                await CallAsync(key, () => Blob(key).GetPropertiesAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
                return new MemoryStream([], writable: false);
            }
            var options = new BlobDownloadOptions { Range = new HttpRange(range.Offset, range.Length) };
            var download = await CallAsync(key, () => Blob(key).DownloadStreamingAsync(options, cancellationToken)).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // The range starts at or past the end: the stream ends at once, as it ends early when the blob does.
            return new MemoryStream([], writable: false);
        }
    }

    public async Task<BlobTier?> GetTierAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        try
        {
            var properties = await CallAsync(key, () => Blob(key).GetPropertiesAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
            return TierOf(properties.Value);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        await CallAsync(key, () => Blob(key).DeleteIfExistsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ListAsync(DateTimeOffset olderThan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Blobs with uncommitted blocks only are not listed: an upload in progress is invisible here as everywhere.
        await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (BlobKey.IsValid(item.Name) && item.Properties.LastModified is { } modified && modified < olderThan)
            {
                yield return item.Name;
            }
        }
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => (await GetHealthAsync(cancellationToken).ConfigureAwait(false)).IsHealthy;

    public async Task<BlobStoreHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        // A readiness probe must answer quickly: one try, a few seconds at most, whatever the retry policy says.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var exists = await _container.ExistsAsync(timeout.Token).ConfigureAwait(false);
            return exists.Value
                ? new BlobStoreHealth(true, Description)
                : new BlobStoreHealth(false, $"{Description}: the container does not exist yet (it is created when the account answers; check {_setting}).");
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException or IOException or HttpRequestException or AuthenticationFailedException)
        {
            return new BlobStoreHealth(false, $"{Description} does not answer; check {_setting}.");
        }
    }

    /// <summary>
    /// Sets the access tier in place (readable all along for online tiers). From archive, the blob is rehydrated with the
    /// configured priority; until that completes the blob stays archived and this answers false.
    /// </summary>
    public async Task<bool> PlaceAsync(string key, BlobTier tier, CancellationToken cancellationToken)
    {
        BlobKey.ThrowIfInvalid(key);
        var blob = Blob(key);
        BlobProperties properties;
        try
        {
            properties = (await CallAsync(key, () => blob.GetPropertiesAsync(cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"Blob {key} is not stored.", e);
        }
        if (IsRehydrating(properties))
        {
            return false;
        }
        var current = TierOf(properties);
        if (current == tier)
        {
            return true;
        }
        RehydratePriority? priority = current == BlobTier.Archive ? _priority : null;
        await CallAsync(key, () => blob.SetAccessTierAsync(AccessTierOf(tier), rehydratePriority: priority, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current != BlobTier.Archive)
        {
            return true;
        }
        var after = (await CallAsync(key, () => blob.GetPropertiesAsync(cancellationToken: cancellationToken)).ConfigureAwait(false)).Value;
        return !IsRehydrating(after) && TierOf(after) == tier;
    }

    private BlobClient Blob(string key) => _container.GetBlobClient(key);

    private static bool IsRehydrating(BlobProperties properties) =>
        properties.ArchiveStatus?.StartsWith("rehydrate-pending", StringComparison.OrdinalIgnoreCase) == true;

    private static BlobTier TierOf(BlobProperties properties)
    {
        if (IsRehydrating(properties))
        {
            return BlobTier.Archive;
        }
        var tier = properties.AccessTier;
        return tier == AccessTier.Cool ? BlobTier.Cool
            : tier == AccessTier.Cold ? BlobTier.Cold
            : tier == AccessTier.Archive ? BlobTier.Archive
            : BlobTier.Hot;
    }

    private static AccessTier AccessTierOf(BlobTier tier) => tier switch
    {
        BlobTier.Hot => AccessTier.Hot,
        BlobTier.Cool => AccessTier.Cool,
        BlobTier.Cold => AccessTier.Cold,
        _ => AccessTier.Archive,
    };

    /// <summary>
    /// Runs one SDK call (which retries by itself) and turns what it could not get past into the archive's exceptions:
    /// an archived blob read, or a store that does not answer or keeps throttling. Other failures (404) pass through.
    /// </summary>
    private async Task<T> CallAsync<T>(string? key, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode == BlobErrorCode.BlobArchived)
        {
            throw new BlobOfflineException($"Blob {key} is in the archive tier; it must be rehydrated before it is read.", e);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new BlobStoreUnavailableException($"{Description} did not answer or kept refusing after retries ({Reason(e)}); check {_setting}.", e);
        }
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        AggregateException a => a.InnerExceptions.All(IsUnavailable),
        HttpRequestException or IOException or TaskCanceledException { CancellationToken.IsCancellationRequested: false } or AuthenticationFailedException => true,
        _ => false,
    };

    private static string Reason(Exception e) => e switch
    {
        RequestFailedException { Status: > 0 } r => $"HTTP {r.Status} {r.ErrorCode}",
        AggregateException { InnerExceptions: [.., var last] } => Reason(last),
        _ => e.GetType().Name,
    };
}
