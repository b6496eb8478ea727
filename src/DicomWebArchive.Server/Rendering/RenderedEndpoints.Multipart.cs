using System.Text;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Server.Rendering;

internal static partial class RenderedEndpoints
{
    private const string Boundary = "dwa-rendered-9b2e41";

    /// <summary>
    /// One rendered image (first frame) per image instance, streamed as multipart/related. Instances that cannot be
    /// rendered (reports, unsupported compression) are left out; when none can be, the answer is a 406.
    /// </summary>
    private static async Task<IResult> RenderManyAsync(HttpContext context, string study, string? series)
    {
        if (CheckUids(study, series) is { } invalid)
        {
            return invalid;
        }
        if (RenderedRequest.Parse(context.Request, thumbnail: false, out int status, out string? error) is not { } options)
        {
            return Problem(status, status == StatusCodes.Status406NotAcceptable ? "Not acceptable" : "Bad rendering parameter", error!);
        }
        var index = context.RequestServices.GetRequiredService<IIndexReader>();
        var renderer = context.RequestServices.GetRequiredService<RenderService>();
        var aborted = context.RequestAborted;
        var instances = await index.ListInstancesAsync(study, series, aborted);
        if (instances.Count == 0)
        {
            return series is null ? NotFound("study", study) : NotFound("series", series);
        }
        var images = instances.Where(i => i.Rows > 0 && i.Columns > 0).ToList();
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
            return Problem(StatusCodes.Status406NotAcceptable, "Not renderable",
                $"The {(series is null ? "study" : "series")} holds no instance that can be rendered. {lastFailure}".TrimEnd());
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
