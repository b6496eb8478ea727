using System.Text;

namespace DicomWebArchive.Storage.Index;

internal sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public string Name => "Sqlite";

    public char ParameterPrefix => '@';

    public char LikeEscape => '\\';

    public string UtcNowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    // A rowid alias: SQLite assigns it without the AUTOINCREMENT bookkeeping table.
    public string IdentityColumn(string name) => $"{name} INTEGER PRIMARY KEY";

    public string Paging(string limitParameter, string offsetParameter) => $"LIMIT {ParameterPrefix}{limitParameter} OFFSET {ParameterPrefix}{offsetParameter}";

    public string Upsert(string table, IReadOnlyList<string> columns, string keyColumn, IReadOnlyList<string> updateColumns)
    {
        var sql = new StringBuilder(InsertInto(table, columns)).Append(" ON CONFLICT (").Append(keyColumn).Append(") DO ");
        if (updateColumns.Count == 0)
        {
            return sql.Append("NOTHING").ToString();
        }

        sql.Append("UPDATE SET ").AppendJoin(", ", updateColumns.Select(c => $"{c} = excluded.{c}"));
        return sql.ToString();
    }

    public string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"{InsertInto(table, columns)} RETURNING {idColumn}";

    public string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);

    private string InsertInto(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => ParameterPrefix + SqlNames.ToParameter(c)))})";

    // GLOB is case-sensitive, shares DICOM's * and ? and uses an index for a literal prefix; LIKE would fold ASCII case.
    public string Wildcard(string column, string patternParameter) => $"{column} GLOB {ParameterPrefix}{patternParameter}";

    public string WildcardPattern(string dicomPattern) => dicomPattern.Replace("[", "[[]", StringComparison.Ordinal);
}
