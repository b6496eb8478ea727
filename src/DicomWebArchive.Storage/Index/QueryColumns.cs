using System.Collections.Frozen;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Query;
using Dapper;

namespace DicomWebArchive.Storage.Index;

/// <summary>Where each indexed attribute lives: its table alias (st, se, i) and column.</summary>
internal static class QueryColumns
{
    private static readonly FrozenDictionary<QueryAttribute, string> Columns = new Dictionary<QueryAttribute, string>
    {
        [QueryAttributes.StudyInstanceUid] = "study_instance_uid",
        [QueryAttributes.StudyDate] = "study_date",
        [QueryAttributes.StudyTime] = "study_time",
        [QueryAttributes.AccessionNumber] = "accession_number",
        [QueryAttributes.ModalitiesInStudy] = "modalities_in_study",
        [QueryAttributes.SopClassesInStudy] = "sop_classes_in_study",
        [QueryAttributes.ReferringPhysicianName] = "referring_physician_name",
        [QueryAttributes.TimezoneOffsetFromUtc] = "timezone_offset_from_utc",
        [QueryAttributes.StudyDescription] = "study_description",
        [QueryAttributes.PatientName] = "patient_name",
        [QueryAttributes.PatientId] = "patient_id",
        [QueryAttributes.PatientBirthDate] = "patient_birth_date",
        [QueryAttributes.PatientSex] = "patient_sex",
        [QueryAttributes.StudyId] = "dicom_study_id",
        [QueryAttributes.NumberOfStudyRelatedSeries] = "number_of_series",
        [QueryAttributes.NumberOfStudyRelatedInstances] = "number_of_instances",
        [QueryAttributes.SeriesInstanceUid] = "series_instance_uid",
        [QueryAttributes.Modality] = "modality",
        [QueryAttributes.SeriesNumber] = "series_number",
        [QueryAttributes.SeriesDescription] = "series_description",
        [QueryAttributes.SeriesDate] = "series_date",
        [QueryAttributes.SeriesTime] = "series_time",
        [QueryAttributes.PerformedProcedureStepStartDate] = "performed_procedure_step_start_date",
        [QueryAttributes.PerformedProcedureStepStartTime] = "performed_procedure_step_start_time",
        [QueryAttributes.NumberOfSeriesRelatedInstances] = "number_of_instances",
        [QueryAttributes.SopInstanceUid] = "sop_instance_uid",
        [QueryAttributes.SopClassUid] = "sop_class_uid",
        [QueryAttributes.InstanceNumber] = "instance_number",
        [QueryAttributes.Rows] = "pixel_rows",
        [QueryAttributes.Columns] = "pixel_columns",
        [QueryAttributes.BitsAllocated] = "bits_allocated",
        [QueryAttributes.NumberOfFrames] = "number_of_frames",
    }.ToFrozenDictionary();

    /// <summary>The column holding <paramref name="attribute"/>, qualified by its table's alias.</summary>
    public static string Of(QueryAttribute attribute) => $"{Alias(attribute.Level)}.{Columns[attribute]}";

    public static string Alias(QueryLevel level) => level switch
    {
        QueryLevel.Study => "st",
        QueryLevel.Series => "se",
        _ => "i",
    };

    /// <summary>
    /// The condition on the study table (alias st, or another table with the same study_instance_uid and access_key
    /// columns) that <paramref name="access"/> imposes, its values bound into <paramref name="parameters"/>; null when it
    /// imposes none.
    /// </summary>
    public static string? AccessCondition(StudyAccess access, ISqlDialect dialect, DynamicParameters parameters, string alias = "st")
    {
        if (access.IsUnrestricted)
        {
            return null;
        }
        var conditions = new List<string>(2);
        if (access.StudyInstanceUids is { } studies)
        {
            conditions.Add(In(alias + ".study_instance_uid", studies, "access_study", dialect, parameters));
        }
        if (access.AccessKeys is { } keys)
        {
            conditions.Add(In(alias + ".access_key", keys, "access_key", dialect, parameters));
        }
        return string.Join(" AND ", conditions);
    }

    private static string In(string column, IReadOnlyList<string> values, string prefix, ISqlDialect dialect, DynamicParameters parameters)
    {
        if (values.Count == 0)
        {
            return "1 = 0";
        }
        var names = new string[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameters.Add(names[i], values[i]);
        }
        return $"{column} IN ({string.Join(", ", names.Select(dialect.Parameter))})";
    }
}
