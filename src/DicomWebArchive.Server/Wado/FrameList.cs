namespace DicomWebArchive.Server.Wado;

/// <summary>The {frames} path segment of PS3.18 §10.4.1: comma-separated 1-based frame numbers, kept in request order.</summary>
internal static class FrameList
{
    /// <summary>More frames than this in one request is refused rather than answered with a huge multipart body.</summary>
    public const int MaxFrames = 10_000;

    /// <summary>Zero-based frame indexes, or an error message naming what is wrong.</summary>
    public static bool TryParse(string? text, int frameCount, out int[] indexes, out string error)
    {
        indexes = [];
        error = string.Empty;
        if (string.IsNullOrEmpty(text))
        {
            error = "The frame list is empty.";
            return false;
        }
        var items = text.Split(',');
        if (items.Length > MaxFrames)
        {
            error = $"At most {MaxFrames} frames may be requested at once.";
            return false;
        }
        var result = new int[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            if (item.Length == 0)
            {
                error = $"The frame list '{Shorten(text)}' has an empty item at position {i + 1}.";
                return false;
            }
            if (item.Length > 10 || !item.All(char.IsAsciiDigit) || !int.TryParse(item, out int number))
            {
                error = $"'{Shorten(item)}' is not a frame number: frames are positive integers (1-based).";
                return false;
            }
            if (number < 1)
            {
                error = "Frame numbers start at 1; 0 is not a frame.";
                return false;
            }
            if (number > frameCount)
            {
                error = $"Frame {number} is beyond the instance's {frameCount} frame(s).";
                return false;
            }
            result[i] = number - 1;
        }
        indexes = result;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
