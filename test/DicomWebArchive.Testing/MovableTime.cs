namespace DicomWebArchive.Testing;

/// <summary>A clock the test moves: days pass in a line of code, so age-based policies are tested without waiting.</summary>
public sealed class MovableTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset to) => _now = to;
}
