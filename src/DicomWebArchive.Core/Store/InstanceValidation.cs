using DicomWebArchive.Dicom;

namespace DicomWebArchive.Core.Store;

/// <summary>
/// Checks made before anything is indexed. Refused is only what cannot be stored unambiguously: UIDs that cannot
/// name the instance in URLs and in the index, an unknown transfer syntax, another study than the URL's. What real
/// modalities and tools get wrong and the archive can put right or live with is stored, with a warning that says so.
/// Messages name the attribute and the problem; they never repeat a value from the instance.
/// </summary>
internal static class InstanceValidation
{
    // Longer values are not echoed back in the response: they are not UIDs and may be huge.
    private const int MaxEchoedLength = 256;

    private static readonly (DicomTag Tag, string Name)[] KeyUids =
    [
        (DicomTags.SOPClassUID, "SOP Class UID (0008,0016)"),
        (DicomTags.SOPInstanceUID, "SOP Instance UID (0008,0018)"),
        (DicomTags.StudyInstanceUID, "Study Instance UID (0020,000D)"),
        (DicomTags.SeriesInstanceUID, "Series Instance UID (0020,000E)"),
    ];

    public static StoreIdentity ReadIdentity(DicomDataset dataset) => new(
        Echo(dataset.GetAsciiString(DicomTags.SOPClassUID)),
        Echo(dataset.GetAsciiString(DicomTags.SOPInstanceUID)),
        Echo(dataset.GetAsciiString(DicomTags.StudyInstanceUID)),
        Echo(dataset.GetAsciiString(DicomTags.SeriesInstanceUID)));

    /// <summary>The refusal of an instance that cannot be stored; null when it can.</summary>
    public static StoreOutcome? Validate(DicomFile file, StoreIdentity identity, string? requiredStudyInstanceUid)
    {
        if (!file.TransferSyntax.IsKnown)
        {
            // Frames cannot be located nor the data set converted for retrieval.
            string uid = file.TransferSyntax.Uid;
            return StoreOutcome.Failed(StoreFailureReason.TransferSyntaxNotSupported,
                DicomUid.IsKey(uid) ? $"Transfer syntax {uid} is not supported." : "The Transfer Syntax UID (0002,0010) is not a UID this archive supports.", identity);
        }
        foreach (var (tag, name) in KeyUids)
        {
            if (KeyProblem(file.Dataset, tag) is { } problem)
            {
                return StoreOutcome.Failed(StoreFailureReason.DataSetDoesNotMatchSopClass, $"{name} {problem}", identity);
            }
        }
        if (requiredStudyInstanceUid is not null && requiredStudyInstanceUid != file.Dataset.GetAsciiString(DicomTags.StudyInstanceUID))
        {
            return StoreOutcome.Failed(StoreFailureReason.StudyInstanceUidMismatch, "Study Instance UID (0020,000D) differs from the study in the request URL.", identity);
        }
        return null;
    }

    /// <summary>What is corrected or tolerated in an instance <see cref="Validate"/> accepted.</summary>
    public static StoreFindings Inspect(DicomFile file)
    {
        var notes = new List<string>();
        bool rewrite = CheckMeta(file, notes);
        foreach (var (tag, name) in KeyUids)
        {
            if (DicomUid.Check(file.Dataset.GetAsciiString(tag)) == UidProblem.LeadingZero)
            {
                notes.Add($"{name} has a component with a leading zero, which PS3.5 §9.1 does not allow; stored as sent.");
            }
        }
        if (notes.Count == 0)
        {
            return StoreFindings.None;
        }
        // One Warning Reason per instance: a rewritten meta group means the stored bytes differ from the sent ones, the
        // more important news, so B000 (coercion) wins. Leading zeros alone change nothing: the instance is stored as
        // sent though it does not conform to its IOD's encoding rules, which is B007 (PS3.4 B.2.3, PS3.18 Table I.2-1),
        // not B000, which would claim a coercion that never happened.
        ushort reason = rewrite ? StoreWarningReason.CoercionOfDataElements : StoreWarningReason.DataSetDoesNotMatchSopClass;
        return new StoreFindings(reason, string.Join(" ", notes), rewrite);
    }

    /// <summary>
    /// Notes what is wrong with the meta group; true when it must be rebuilt. The data set is authoritative: it is what
    /// the index, the metadata and every reader of the stored file go by.
    /// </summary>
    private static bool CheckMeta(DicomFile file, List<string> notes)
    {
        var meta = file.Meta;
        var dataset = file.Dataset;
        if (meta.Count == 0)
        {
            notes.Add($"The file has no File Meta Information; it was stored with one written for its data set ({file.TransferSyntax.Name}, as detected).");
            return true;
        }
        int before = notes.Count;
        if (!file.HasPreamble)
        {
            notes.Add("The file has no 128-byte preamble and DICM prefix; it was stored with them.");
        }
        CompareUid(meta, DicomTags.MediaStorageSOPClassUID, "Media Storage SOP Class UID (0002,0002)", dataset, DicomTags.SOPClassUID, "SOP Class UID (0008,0016)", notes);
        CompareUid(meta, DicomTags.MediaStorageSOPInstanceUID, "Media Storage SOP Instance UID (0002,0003)", dataset, DicomTags.SOPInstanceUID, "SOP Instance UID (0008,0018)", notes);
        if (string.IsNullOrEmpty(meta.GetAsciiString(DicomTags.TransferSyntaxUID)))
        {
            notes.Add($"Transfer Syntax UID (0002,0010) is missing; {file.TransferSyntax.Name}, as detected, was written in the stored file.");
        }
        return notes.Count > before;
    }

    private static void CompareUid(DicomDataset meta, DicomTag metaTag, string metaName, DicomDataset dataset, DicomTag tag, string name, List<string> notes)
    {
        string? value = meta.GetAsciiString(metaTag);
        if (string.IsNullOrEmpty(value))
        {
            notes.Add($"{metaName} is missing; the data set's {name} was written in the stored file.");
        }
        else if (value != dataset.GetAsciiString(tag))
        {
            notes.Add($"{metaName} differs from {name}; the instance was stored under the data set's UID, with the meta group corrected.");
        }
    }

    /// <summary>Why the UID cannot be a key (completing "SOP Instance UID (0008,0018) ..."); null when it can.</summary>
    private static string? KeyProblem(DicomDataset dataset, DicomTag tag)
    {
        var element = dataset.Find(tag);
        if (element is null)
        {
            return "is missing.";
        }
        if (element.Items is not null || !element.IsValueLoaded)
        {
            return "is not a UID value.";
        }
        return DicomUid.Check(dataset.GetAsciiString(tag)) switch
        {
            UidProblem.Empty => "is empty.",
            UidProblem.TooLong => $"is longer than the {DicomUid.MaxLength} characters a UID may have.",
            UidProblem.NotDigitsAndDots => "has characters other than digits and dots.",
            UidProblem.EmptyComponent => "has an empty component (two dots in a row, or a dot at either end).",
            _ => null,
        };
    }

    private static string? Echo(string? value) => value is { Length: <= MaxEchoedLength } ? value : null;
}

/// <summary>
/// What the archive corrected or tolerated in an instance it stores: the Warning Reason (0008,1196) and its words for the
/// uploader, and whether the stored file gets a rebuilt meta group.
/// </summary>
internal sealed record StoreFindings(ushort? WarningReason, string? Message, bool RewriteHeader)
{
    public static readonly StoreFindings None = new(null, null, false);
}
