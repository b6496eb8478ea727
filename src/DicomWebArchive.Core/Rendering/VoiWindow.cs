namespace DicomWebArchive.Core.Rendering;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.3.</summary>
public enum VoiFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>A VOI window: center and width in modality units (after rescale), and how values between map to grey levels.</summary>
public readonly record struct VoiWindow(double Center, double Width, VoiFunction Function = VoiFunction.Linear)
{
    /// <summary>Widths the function accepts: LINEAR needs at least 1 (its formula divides by width - 1), the others more than 0.</summary>
    public bool IsValid => double.IsFinite(Center) && double.IsFinite(Width) && (Function == VoiFunction.Linear ? Width >= 1 : Width > 0);

    /// <summary>Maps a modality value to an output level in [0, 255], per PS3.3 C.11.2.1.2.</summary>
    public double Apply(double x)
    {
        const double max = 255;
        switch (Function)
        {
            case VoiFunction.LinearExact:
                if (x <= Center - (Width / 2))
                {
                    return 0;
                }
                if (x > Center + (Width / 2))
                {
                    return max;
                }
                return ((x - Center) / Width + 0.5) * max;
            case VoiFunction.Sigmoid:
                return max / (1 + Math.Exp(-4 * (x - Center) / Width));
            default:
                double lower = Center - 0.5 - ((Width - 1) / 2);
                double upper = Center - 0.5 + ((Width - 1) / 2);
                if (x <= lower)
                {
                    return 0;
                }
                if (x > upper)
                {
                    return max;
                }
                // Width 1 leaves no interior: every value falls on one side of the threshold.
                return ((x - (Center - 0.5)) / (Width - 1) + 0.5) * max;
        }
    }

    public static bool TryParseFunction(ReadOnlySpan<char> text, out VoiFunction function)
    {
        var trimmed = text.Trim();
        if (trimmed.Equals("linear", StringComparison.OrdinalIgnoreCase))
        {
            function = VoiFunction.Linear;
            return true;
        }
        if (trimmed.Equals("linear-exact", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("linear_exact", StringComparison.OrdinalIgnoreCase))
        {
            function = VoiFunction.LinearExact;
            return true;
        }
        if (trimmed.Equals("sigmoid", StringComparison.OrdinalIgnoreCase))
        {
            function = VoiFunction.Sigmoid;
            return true;
        }
        function = VoiFunction.Linear;
        return false;
    }
}
