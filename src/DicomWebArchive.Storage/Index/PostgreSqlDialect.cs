using System.Text;

namespace DicomWebArchive.Storage.Index;

/// <summary>PostgreSQL through Npgsql, which takes <c>@name</c> parameters as well.</summary>
internal sealed class PostgreSqlDialect : ISqlDialect
{
    public static readonly PostgreSqlDialect Instance = new();

    public string Name => "PostgreSql";

    public char ParameterPrefix => '@';

    public char LikeEscape => '\\';

    // now() is the transaction's start: every row a transaction writes carries the same time.
    public string UtcNowMilliseconds => "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)";

    public string CreateSchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

    public string IdentityColumn(string name) => $"{name} BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public string Paging(string limitParameter, string offsetParameter) => $"LIMIT {ParameterPrefix}{limitParameter} OFFSET {ParameterPrefix}{offsetParameter}";

    public string Upsert(string table, IReadOnlyList<string> columns, string keyColumn, IReadOnlyList<string> updateColumns)
    {
        var sql = new StringBuilder(SqlText.InsertInto(ParameterPrefix, table, columns)).Append(" ON CONFLICT (").Append(keyColumn).Append(") DO ");
        return updateColumns.Count == 0
            ? sql.Append("NOTHING").ToString()
            : sql.Append("UPDATE SET ").AppendJoin(", ", updateColumns.Select(c => $"{c} = EXCLUDED.{c}")).ToString();
    }

    public string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"{SqlText.InsertInto(ParameterPrefix, table, columns)} RETURNING {idColumn}";

    public string EscapeLike(string value) => SqlText.EscapeLike(value, LikeEscape, "%_");
}
