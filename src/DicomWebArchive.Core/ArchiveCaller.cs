using DicomWebArchive.Core.Audit;

namespace DicomWebArchive.Core;

/// <summary>
/// Who asks the archive to do something, from where, under which correlation id, and which studies they may see.
/// Every Core operation takes one; front ends (DICOMweb today, DIMSE later) make it from their own notion of a caller.
/// </summary>
public sealed record ArchiveCaller
{
    /// <summary>A caller inside the archive itself (background work, tests): no identity, no restriction.</summary>
    public static ArchiveCaller System { get; } = new() { Subject = "system", CorrelationId = "system" };

    /// <summary>The authenticated subject (a token's "sub"), or null when nobody authenticated.</summary>
    public string? Subject { get; init; }

    /// <summary>A name for people reading the audit trail.</summary>
    public string? Name { get; init; }

    public IReadOnlySet<string> Scopes { get; init; } = new HashSet<string>();

    /// <summary>The network address the request came from.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>Ties together what one request did across logs and audit records.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The studies this caller may see; the index applies it inside every query.</summary>
    public StudyAccess Access { get; init; } = StudyAccess.All;

    /// <summary>What the caller's operation touched, noted by the services for its audit record.</summary>
    public AuditNote Audit { get; init; } = new();
}
