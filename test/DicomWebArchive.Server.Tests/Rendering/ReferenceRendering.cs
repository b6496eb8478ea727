using System.Text.Json;
using SkiaSharp;

namespace DicomWebArchive.Server.Tests.Rendering;

/// <summary>A rendering to compare against: rows × columns × channels bytes (grey, or RGB).</summary>
internal sealed record ReferenceImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>Per channel, the mean absolute difference from <paramref name="bitmap"/> (which must have the same size).</summary>
    public double[] MeanAbsoluteDifference(SKBitmap bitmap)
    {
        var sums = new double[Channels];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                var color = bitmap.GetPixel(x, y);
                int at = ((y * Width) + x) * Channels;
                if (Channels == 1)
                {
                    // A grey reference against whatever the bitmap holds: every channel must match.
                    sums[0] += Math.Max(Math.Abs(color.Red - Pixels[at]), Math.Max(Math.Abs(color.Green - Pixels[at]), Math.Abs(color.Blue - Pixels[at])));
                }
                else
                {
                    sums[0] += Math.Abs(color.Red - Pixels[at]);
                    sums[1] += Math.Abs(color.Green - Pixels[at + 1]);
                    sums[2] += Math.Abs(color.Blue - Pixels[at + 2]);
                }
            }
        }
        return sums.Select(s => s / (Width * Height)).ToArray();
    }
}

/// <summary>Runs Rendering/render_reference.py (pydicom decoding, numpy LUTs) with Debian's python3.</summary>
internal static class ReferenceRendering
{
    public static IReadOnlyList<ReferenceImage> Render(IEnumerable<(string File, int Frame, string? Window)> specs)
    {
        var output = ExternalTool.PythonFile(Path.Combine(AppContext.BaseDirectory, "Rendering", "render_reference.py"),
            [.. specs.Select(spec => $"{RenderingArchive.Resolve(spec.File)}|{spec.Frame}|{spec.Window}")]);
        var images = new List<ReferenceImage>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            images.Add(new ReferenceImage(root.GetProperty("width").GetInt32(), root.GetProperty("height").GetInt32(),
                root.GetProperty("channels").GetInt32(), root.GetProperty("pixels").GetBytesFromBase64()));
        }
        return images;
    }
}
