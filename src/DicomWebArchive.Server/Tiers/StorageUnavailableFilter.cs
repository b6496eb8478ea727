using System.Globalization;
using DicomWebArchive.Core.Blobs;
using DicomWebArchive.Core.Tiers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace DicomWebArchive.Server.Tiers;

/// <summary>
/// Turns what the blob store cannot do now into 503 with Retry-After, before any byte of the answer is sent: pixel data
/// of an archived study (whose rehydration has started; the problem names the operation to follow), a blob found
/// archived, or a store that does not answer or keeps throttling after the SDK's retries.
/// </summary>
internal sealed class StorageUnavailableFilter : IEndpointFilter
{
    private static readonly TimeSpan StoreRetry = TimeSpan.FromSeconds(10);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (StudyOfflineException e) when (!http.Response.HasStarted)
        {
            var operation = e.OperationId is { } id ? $"/api/operations/{id}" : null;
            return Unavailable(http, e.RetryAfter, e.Message, operation);
        }
        catch (BlobOfflineException) when (!http.Response.HasStarted)
        {
            var blobs = http.RequestServices.GetRequiredService<IBlobStore>();
            return Unavailable(http, blobs.RehydrationTime, "The instance is archived; it must be rehydrated before it is read.", null);
        }
        catch (BlobStoreUnavailableException) when (!http.Response.HasStarted)
        {
            return Unavailable(http, StoreRetry, "The archive's blob store does not answer now; try again shortly.", null);
        }
    }

    private static IResult Unavailable(HttpContext http, TimeSpan retryAfter, string detail, string? operation)
    {
        // The handler may have set the headers of the answer it meant to send; none of them describes this one (a
        // Content-Length left over would cut the problem short, or leave the client waiting for bytes that never come).
        var headers = http.Response.Headers;
        http.Response.ContentLength = null;
        headers.Remove(HeaderNames.ContentType);
        headers.Remove(HeaderNames.ContentDisposition);
        headers.Remove(HeaderNames.ContentRange);
        headers.Remove(HeaderNames.Warning);
        http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var extensions = operation is null ? null : new Dictionary<string, object?> { ["operation"] = operation };
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable,
            title: ReasonPhrases.GetReasonPhrase(StatusCodes.Status503ServiceUnavailable), extensions: extensions);
    }
}
