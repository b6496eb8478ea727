using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DicomWebArchive.Core.Audit;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// The hash chain of the audit trail: a record's hash is SHA-256 of the previous record's hash and the record's fields
/// in a fixed order, so changing, removing or inserting a record breaks the chain from that record on.
/// </summary>
internal static class AuditChain
{
    private const char Separator = '\u001f';

    public static byte[] Hash(byte[]? previous, AuditRecord record)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previous ?? []);
        hash.AppendData(Encoding.UTF8.GetBytes(Canonical(record)));
        return hash.GetHashAndReset();
    }

    private static string Canonical(AuditRecord r) => string.Join(Separator,
        r.OccurredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), r.Subject, r.SubjectName, r.ClientAddress, r.Action,
        r.StudyInstanceUid, r.SeriesInstanceUid, r.SopInstanceUid, r.PatientId, r.Outcome,
        r.Status?.ToString(CultureInfo.InvariantCulture), r.Bytes?.ToString(CultureInfo.InvariantCulture), r.CorrelationId, r.Details);
}
