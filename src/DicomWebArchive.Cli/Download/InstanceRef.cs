using System.Text.RegularExpressions;

namespace DicomWebArchive.Cli.Download;

/// <summary>One instance to fetch, and where it goes: {study}/{series}/{sop}.dcm under the output folder.</summary>
internal sealed partial record InstanceRef(string Study, string Series, string Sop)
{
    public string RelativePath => Path.Combine(Study, Series, Sop + ".dcm");

    public string ResourcePath => $"/studies/{Study}/series/{Series}/instances/{Sop}";

    /// <summary>UIDs become file names: only digits and dots (PS3.5 §9.1), so no server can write outside the folder.</summary>
    public static bool IsUid(string? value) => value is { Length: > 0 and <= 64 } && Uid().IsMatch(value);

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")]
    private static partial Regex Uid();
}
