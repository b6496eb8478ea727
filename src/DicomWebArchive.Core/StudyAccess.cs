using DicomWebArchive.Core.Query;

namespace DicomWebArchive.Core;

/// <summary>
/// Which studies a caller may see. The index applies it in the SQL of every search and lookup, so counts and pages
/// stay right and a study outside it is simply not there (a 404, never a 403). Both restrictions apply when both are set.
/// </summary>
public sealed record StudyAccess
{
    /// <summary>No restriction.</summary>
    public static StudyAccess All { get; } = new();

    /// <summary>Only these studies (a signed link); null for any.</summary>
    public IReadOnlyList<string>? StudyInstanceUids { get; init; }

    /// <summary>A study-level indexed attribute whose value must be one of <see cref="AttributeValues"/>; null for none.</summary>
    public QueryAttribute? Attribute { get; init; }

    public IReadOnlyList<string> AttributeValues { get; init; } = [];

    public bool IsUnrestricted => StudyInstanceUids is null && Attribute is null;

    public static StudyAccess OnlyStudies(params string[] studyInstanceUids) => new() { StudyInstanceUids = studyInstanceUids };

    /// <exception cref="ArgumentException">The attribute is not a study-level attribute of the index.</exception>
    public static StudyAccess ByAttribute(QueryAttribute attribute, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        if (attribute.Level != QueryLevel.Study || attribute.IsAggregate)
        {
            throw new ArgumentException($"{attribute.Keyword} is not a study attribute stored in the index.", nameof(attribute));
        }
        return new() { Attribute = attribute, AttributeValues = values };
    }
}
