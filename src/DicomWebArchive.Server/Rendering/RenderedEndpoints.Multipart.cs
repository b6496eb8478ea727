using System.Text;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Rendering;
using DicomWebArchive.Server.Hosting;
using DicomWebArchive.Server.Http;

namespace DicomWebArchive.Server.Rendering;

internal static partial class RenderedEndpoints
{
    private const string Boundary = "dwa-rendered-9b2e41";

    /// <summary>
    /// One rendered image (first frame) per image instance, streamed as multipart/related. Instances that cannot be
    /// rendered (reports, unsupported compression) are left out; when none can be, the answer is a 406.
    /// </summary>
    private static async Task<IResult> RenderManyAsync(RenderRequest request, string study, string? series)
    {
        if (Problems.InvalidUid(study, series) is { } invalid)
        {
            return invalid;
        }
        if (RenderedRequest.Parse(request.Http.Request, thumbnail: false, out int status, out string? error) is not { } options)
        {
            return Problems.Of(status, error!);
        }
        var renderer = request.Render;
        var aborted = request.Http.RequestAborted;
        var scope = new InstanceScope(study, series);
        var images = await renderer.FindImagesAsync(request.Http.Caller(), scope, aborted);
        if (images is null)
        {
            return Problems.NotStored(scope);
        }
        // Render up to the first success before answering, so an unrenderable study is a 406 rather than an empty body.
        int next = 0;
        RenderedImage? first = null;
        string? lastFailure = null;
        while (first is null && next < images.Count)
        {
            try
            {
                first = await renderer.RenderAsync(images[next], 1, options, aborted);
            }
            catch (RenderingException ex)
            {
                lastFailure = ex.Message;
            }
            next++;
        }
        if (first is null)
        {
            return Problems.NotAcceptable($"The {(series is null ? "study" : "series")} holds no instance that can be rendered. {lastFailure}".TrimEnd());
        }
        string contentType = $"multipart/related; type=\"{options.MediaType}\"; boundary={Boundary}";
        return TypedResults.Stream(async body =>
        {
            await WritePartAsync(body, first, aborted);
            for (; next < images.Count; next++)
            {
                RenderedImage image;
                try
                {
                    image = await renderer.RenderAsync(images[next], 1, options, aborted);
                }
                catch (RenderingException)
                {
                    continue;
                }
                await WritePartAsync(body, image, aborted);
            }
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"), aborted);
        }, contentType);
    }

    private static async Task WritePartAsync(Stream body, RenderedImage image, CancellationToken cancellationToken)
    {
        await body.WriteAsync(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: {image.MediaType}\r\nContent-Length: {image.Content.Length}\r\n\r\n"), cancellationToken);
        await body.WriteAsync(image.Content, cancellationToken);
        await body.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
    }
}
