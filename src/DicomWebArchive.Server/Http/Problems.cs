using DicomWebArchive.Core;
using DicomWebArchive.Dicom;
using Microsoft.AspNetCore.WebUtilities;

namespace DicomWebArchive.Server.Http;

/// <summary>
/// The one way every endpoint says no: an RFC 9457 problem body whose title is the status's reason phrase and whose
/// detail says, in words a person can act on, what was wrong. Never a stack trace, SQL or a file path.
/// </summary>
internal static class Problems
{
    public static IResult Of(int status, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: ReasonPhrases.GetReasonPhrase(status));

    public static IResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, detail);

    public static IResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, detail);

    public static IResult NotAcceptable(string detail) => Of(StatusCodes.Status406NotAcceptable, detail);

    /// <summary>A 404 for a study, series or instance that is not stored, or that the caller may not see (the same answer).</summary>
    public static IResult NotStored(InstanceScope scope) => NotFound($"{Capitalize(scope.ToString())} is not stored.");

    /// <summary>
    /// A 400 naming the first UID of the path that cannot be one (PS3.5 §9.1, leading zeros tolerated as the archive
    /// stores them); null when all can.
    /// </summary>
    public static IResult? InvalidUid(params string?[] uids)
    {
        foreach (var uid in uids)
        {
            if (uid is not null && !DicomUid.IsKey(uid))
            {
                return BadRequest($"'{Shorten(uid)}' is not a valid UID.");
            }
        }
        return null;
    }

    /// <summary>A value echoed into a message, cut so a hostile request cannot make the answer huge.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
