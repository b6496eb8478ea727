using System.Globalization;
using System.Text;
using Dapper;
using DicomWebArchive.Core;
using DicomWebArchive.Core.Index;
using DicomWebArchive.Core.Query;
using DicomWebArchive.Dicom;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Builds the one SELECT that answers a QIDO search. Every value travels as a parameter; wildcards go through the
/// dialect; multi-valued study aggregates (ModalitiesInStudy, SOPClassesInStudy) match through the series and
/// instance tables so that "CT" finds a CT+PT study by an index seek.
/// </summary>
internal sealed class QidoSql
{
    /// <summary>Below this many series of a modality, matching drives from the series index instead of scanning studies.</summary>
    public const int RareModalitySeries = 1000;

    private readonly ISqlDialect _dialect;
    private readonly bool _rareModalities;
    private readonly StringBuilder _where = new();
    private readonly DynamicParameters _parameters = new();
    private int _next;

    private QidoSql(ISqlDialect dialect, bool rareModalities)
    {
        _dialect = dialect;
        _rareModalities = rareModalities;
    }

    /// <param name="rareModalities">
    /// The modalities asked for have fewer than <see cref="RareModalitySeries"/> series (see <see cref="RareModalityProbe"/>):
    /// studies are then found through the series index, which stays fast when few or none match. Otherwise studies are
    /// walked newest first and each is checked, which finds a page of a common modality at once.
    /// </param>
    public static (string Sql, DynamicParameters Parameters) Build(SearchQuery query, StudyAccess access, ISqlDialect dialect, bool rareModalities = false)
    {
        var builder = new QidoSql(dialect, rareModalities);
        return (builder.Compose(query, access), builder._parameters);
    }

    private string Compose(SearchQuery query, StudyAccess access)
    {
        var sql = new StringBuilder("SELECT ");
        var first = true;
        foreach (var attribute in QueryAttributes.All)
        {
            if (attribute.Level > query.Level)
            {
                continue;
            }
            // Quoted: PostgreSQL folds unquoted names to lower case, and results are read by keyword.
            sql.Append(first ? "" : ", ").Append(QueryColumns.Of(attribute)).Append(" AS \"").Append(attribute.Keyword).Append('"');
            first = false;
        }
        // Every level names its study's tier: InstanceAvailability is NEARLINE for what is archived.
        sql.Append(", st.tier AS \"").Append(QueryRow.StudyTierColumn).Append('"');
        if (query.NeedsStoredMetadata)
        {
            sql.Append(", i.metadata AS \"Metadata\"");
        }

        sql.Append(query.Level switch
        {
            QueryLevel.Study => " FROM study st",
            QueryLevel.Series => " FROM series se JOIN study st ON st.id = se.study_id",
            _ => " FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id",
        });

        if (query.StudyInstanceUid is not null)
        {
            And($"st.study_instance_uid = {Bind(query.StudyInstanceUid)}");
        }
        if (query.SeriesInstanceUid is not null)
        {
            And($"se.series_instance_uid = {Bind(query.SeriesInstanceUid)}");
        }
        foreach (var match in query.Matches)
        {
            And(Condition(match));
        }
        if (QueryColumns.AccessCondition(access, _dialect, _parameters) is { } allowed)
        {
            And(allowed);
        }
        if (_where.Length > 0)
        {
            sql.Append(" WHERE ").Append(_where);
        }

        // A total order on the primary key keeps pages stable; newest studies first is what a worklist wants.
        sql.Append(query.Level switch
        {
            QueryLevel.Study => " ORDER BY st.id DESC",
            QueryLevel.Series => " ORDER BY se.id",
            _ => " ORDER BY i.id",
        });
        _parameters.Add("limit", query.Limit);
        _parameters.Add("offset", query.Offset);
        sql.Append(' ').Append(_dialect.Paging("limit", "offset"));
        return sql.ToString();
    }

    private string Condition(QueryMatch match)
    {
        var attribute = match.Attribute;
        if (attribute == QueryAttributes.ModalitiesInStudy || attribute == QueryAttributes.SopClassesInStudy)
        {
            return AggregateCondition(match);
        }
        var column = Column(attribute);
        return match switch
        {
            SingleValueMatch single => $"{column} = {Bind(Value(attribute, single.Value))}",
            ValueListMatch list => $"{column} IN ({string.Join(", ", list.Values.Select(v => Bind(Value(attribute, v))))})",
            AllValuesMatch all => string.Join(" AND ", all.Values.Select(v => $"{column} = {Bind(Value(attribute, v))}")),
            WildcardMatch wildcard => Wildcard(column, IsNormalizedName(attribute) ? PersonNameNormalizer.Normalize(wildcard.Pattern)! : wildcard.Pattern),
            RangeMatch range => Range(column, attribute, range),
            EmptyValueMatch => $"({column} IS NULL OR {column} = '')",
            FuzzyNameMatch fuzzy => Fuzzy(column, attribute, fuzzy),
            _ => throw new NotSupportedException(match.GetType().Name),
        };
    }

    /// <summary>A study matches a modality or SOP class when one of its series or instances has it.</summary>
    private string AggregateCondition(QueryMatch match)
    {
        var modality = match.Attribute == QueryAttributes.ModalitiesInStudy;
        var from = modality
            ? "SELECT 1 FROM series xs WHERE xs.study_id = st.id AND "
            : "SELECT 1 FROM instance xi JOIN series xs ON xs.id = xi.series_id WHERE xs.study_id = st.id AND ";
        var column = modality ? "xs.modality" : "xi.sop_class_uid";
        if (modality && _rareModalities && match is SingleValueMatch or ValueListMatch)
        {
            var values = match is SingleValueMatch one ? [one.Value] : ((ValueListMatch)match).Values;
            return $"st.id IN (SELECT xs.study_id FROM series xs WHERE xs.modality IN ({string.Join(", ", values.Select(Bind))}))";
        }
        return match switch
        {
            SingleValueMatch single => $"EXISTS ({from}{column} = {Bind(single.Value)})",
            ValueListMatch list => $"EXISTS ({from}{column} IN ({string.Join(", ", list.Values.Select(Bind))}))",
            AllValuesMatch all => string.Join(" AND ", all.Values.Select(v => $"EXISTS ({from}{column} = {Bind(v)})")),
            WildcardMatch wildcard => $"EXISTS ({from}{Wildcard(column, wildcard.Pattern)})",
            EmptyValueMatch => $"({Column(match.Attribute)} IS NULL OR {Column(match.Attribute)} = '')",
            _ => throw new NotSupportedException(match.GetType().Name),
        };
    }

    /// <summary>
    /// A query counting, up to <see cref="RareModalitySeries"/>, the series of the modalities a search asks for; null when
    /// the search matches no modality by value.
    /// </summary>
    public static (string Sql, DynamicParameters Parameters)? RareModalityProbe(SearchQuery query, ISqlDialect dialect)
    {
        if (ModalitiesMatched(query) is not { } values)
        {
            return null;
        }
        var builder = new QidoSql(dialect, false);
        var names = string.Join(", ", values.Select(builder.Bind));
        builder._parameters.Add("probe", RareModalitySeries);
        var sql = $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM series WHERE modality IN ({names}) ORDER BY modality {dialect.Paging("probe", "zero")}) x";
        builder._parameters.Add("zero", 0);
        return (sql, builder._parameters);
    }

    /// <summary>The modalities a search matches ModalitiesInStudy against by value; null when it does not.</summary>
    public static IReadOnlyList<string>? ModalitiesMatched(SearchQuery query) =>
        query.Matches.FirstOrDefault(m => m.Attribute == QueryAttributes.ModalitiesInStudy) switch
        {
            SingleValueMatch one => [one.Value],
            ValueListMatch list => list.Values,
            _ => null,
        };

    private string Range(string column, QueryAttribute attribute, RangeMatch range)
    {
        var parts = new List<string>(2);
        if (range.From is not null)
        {
            parts.Add($"{column} >= {Bind(range.From)}");
        }
        if (range.To is not null)
        {
            // A partial time covers its whole unit: 1100 includes 11:00:59.9; '~' sorts after every digit and '.'.
            var to = attribute.VR == DicomVR.TM ? range.To + "~" : range.To;
            parts.Add($"{column} <= {Bind(to)}");
        }
        return string.Join(" AND ", parts);
    }

    /// <summary>Each word must begin some component of the name (family, given, middle...), ignoring case and accents.</summary>
    private string Fuzzy(string column, QueryAttribute attribute, FuzzyNameMatch fuzzy)
    {
        var conditions = new List<string>();
        foreach (var word in fuzzy.Words)
        {
            var normalized = IsNormalizedName(attribute) ? PersonNameNormalizer.Normalize(word)! : word;
            var alternatives = new[] { $"{normalized}*", $"*^{normalized}*", $"* {normalized}*", $"*={normalized}*" }
                .Select(pattern => Wildcard(column, pattern));
            conditions.Add($"({string.Join(" OR ", alternatives)})");
        }
        return string.Join(" AND ", conditions);
    }

    private string Wildcard(string column, string dicomPattern)
    {
        var name = NextName();
        _parameters.Add(name, _dialect.WildcardPattern(dicomPattern));
        return _dialect.Wildcard(column, name);
    }

    private static object Value(QueryAttribute attribute, string value) => attribute.VR switch
    {
        DicomVR.IS or DicomVR.US => int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        DicomVR.PN when IsNormalizedName(attribute) => PersonNameNormalizer.Normalize(value)!,
        _ => value,
    };

    private static bool IsNormalizedName(QueryAttribute attribute) => attribute == QueryAttributes.PatientName;

    private static string Column(QueryAttribute attribute) =>
        IsNormalizedName(attribute) ? "st.patient_name_normalized" : QueryColumns.Of(attribute);

    private void And(string condition)
    {
        _where.Append(_where.Length == 0 ? "" : " AND ").Append('(').Append(condition).Append(')');
    }

    private string Bind(object value)
    {
        var name = NextName();
        _parameters.Add(name, value);
        return _dialect.Parameter(name);
    }

    private string NextName() => "p" + (_next++).ToString(CultureInfo.InvariantCulture);
}
