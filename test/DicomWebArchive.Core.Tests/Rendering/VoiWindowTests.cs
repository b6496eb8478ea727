using DicomWebArchive.Core.Rendering;

namespace DicomWebArchive.Core.Tests.Rendering;

public sealed class VoiWindowTests
{
    // PS3.3 C.11.2.1.2.1: LINEAR maps below c - 0.5 - (w-1)/2 to the minimum, above c - 0.5 + (w-1)/2 to the maximum.
    [TestCase(40, 400, -160.0, 0.0)]
    [TestCase(40, 400, -159.9, 0.0638)]
    [TestCase(40, 400, 39.5, 127.5)]
    [TestCase(40, 400, 239.0, 255.0)]
    [TestCase(40, 400, 1000.0, 255.0)]
    [TestCase(100, 1, 99.5, 0.0)]
    [TestCase(100, 1, 100.0, 255.0)]
    public void Apply_Linear_FollowsStandard(double center, double width, double x, double expected)
    {
        Assert.That(new VoiWindow(center, width).Apply(x), Is.EqualTo(expected).Within(0.001));
    }

    [TestCase(0.0, 127.5)]
    [TestCase(-50.0, 0.0)]
    [TestCase(25.0, 191.25)]
    [TestCase(50.0, 255.0)]
    [TestCase(50.1, 255.0)]
    public void Apply_LinearExact_FollowsStandard(double x, double expected)
    {
        Assert.That(new VoiWindow(0, 100, VoiFunction.LinearExact).Apply(x), Is.EqualTo(expected).Within(0.001));
    }

    [TestCase(0.0, 127.5)]
    [TestCase(25.0, 255 / (1 + 0.36787944117144233))]
    [TestCase(-1e6, 0.0)]
    public void Apply_Sigmoid_FollowsStandard(double x, double expected)
    {
        Assert.That(new VoiWindow(0, 100, VoiFunction.Sigmoid).Apply(x), Is.EqualTo(expected).Within(0.001));
    }

    [TestCase(40, 1, VoiFunction.Linear, true)]
    [TestCase(40, 0.5, VoiFunction.Linear, false)]
    [TestCase(40, 0.5, VoiFunction.LinearExact, true)]
    [TestCase(40, 0, VoiFunction.Sigmoid, false)]
    [TestCase(double.NaN, 10, VoiFunction.Linear, false)]
    [TestCase(40, double.PositiveInfinity, VoiFunction.Linear, false)]
    public void IsValid_Width_PerFunction(double center, double width, VoiFunction function, bool valid)
    {
        Assert.That(new VoiWindow(center, width, function).IsValid, Is.EqualTo(valid));
    }

    [TestCase("LINEAR", VoiFunction.Linear)]
    [TestCase("linear-exact", VoiFunction.LinearExact)]
    [TestCase(" Sigmoid ", VoiFunction.Sigmoid)]
    public void TryParseFunction_Known_Parsed(string text, VoiFunction expected)
    {
        Assert.That(VoiWindow.TryParseFunction(text, out var function), Is.True);
        Assert.That(function, Is.EqualTo(expected));
    }

    [Test]
    public void TryParseFunction_Unknown_False()
    {
        Assert.That(VoiWindow.TryParseFunction("cubic", out _), Is.False);
    }
}
