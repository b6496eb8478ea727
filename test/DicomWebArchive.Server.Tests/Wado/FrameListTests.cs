using DicomWebArchive.Server.Wado;

namespace DicomWebArchive.Server.Tests.Wado;

public sealed class FrameListTests
{
    [Test]
    public void TryParse_List_ZeroBasedInRequestOrder()
    {
        Assert.That(FrameList.TryParse("3,1,2,1", 3, out var indexes, out _), Is.True);
        Assert.That(indexes, Is.EqualTo(new[] { 2, 0, 1, 0 }));
    }

    [TestCase("0", "0 is not a frame")]
    [TestCase("-1", "'-1' is not a frame number")]
    [TestCase("1,,2", "empty item at position 2")]
    [TestCase(",1", "empty item at position 1")]
    [TestCase("abc", "'abc' is not a frame number")]
    [TestCase("1.5", "'1.5' is not a frame number")]
    [TestCase("4", "Frame 4 is beyond the instance's 3 frame(s)")]
    [TestCase("99999999999999999999", "is not a frame number")]
    [TestCase("", "empty")]
    public void TryParse_BadList_MessageNamesProblem(string text, string message)
    {
        Assert.That(FrameList.TryParse(text, 3, out _, out string error), Is.False);
        Assert.That(error, Does.Contain(message));
    }

    [Test]
    public void TryParse_TooManyFrames_Refused()
    {
        string text = string.Join(',', Enumerable.Repeat("1", FrameList.MaxFrames + 1));

        Assert.That(FrameList.TryParse(text, 1, out _, out string error), Is.False);
        Assert.That(error, Does.Contain("At most"));
    }
}
