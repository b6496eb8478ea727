using System.Text;

namespace DicomWebArchive.Storage.Index;

/// <summary>SQL Server 2016 or later through Microsoft.Data.SqlClient.</summary>
internal sealed class SqlServerDialect : ISqlDialect
{
    public static readonly SqlServerDialect Instance = new();

    public string Name => "SqlServer";

    public char ParameterPrefix => '@';

    public char LikeEscape => '\\';

    public string UtcNowMilliseconds => "DATEDIFF_BIG(millisecond, '1970-01-01', SYSUTCDATETIME())";

    public string CreateSchemaVersionTable =>
        "IF OBJECT_ID(N'schema_version', N'U') IS NULL " +
        "CREATE TABLE schema_version (version INT NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)";

    public string IdentityColumn(string name) => $"{name} BIGINT IDENTITY(1,1) PRIMARY KEY";

    // Needs an ORDER BY before it, as every paged query here has.
    public string Paging(string limitParameter, string offsetParameter) =>
        $"OFFSET {ParameterPrefix}{offsetParameter} ROWS FETCH NEXT {ParameterPrefix}{limitParameter} ROWS ONLY";

    // HOLDLOCK keeps the key range locked between MERGE's match and its insert, so concurrent upserts of one key
    // cannot both insert. Affects 1 row when it inserts and 0 when the row exists and nothing is updated.
    public string Upsert(string table, IReadOnlyList<string> columns, string keyColumn, IReadOnlyList<string> updateColumns)
    {
        var sql = new StringBuilder()
            .Append("MERGE INTO ").Append(table).Append(" WITH (HOLDLOCK) AS target USING (SELECT ")
            .AppendJoin(", ", columns.Select(c => $"{ParameterPrefix}{SqlNames.ToParameter(c)} AS {c}"))
            .Append(") AS source ON target.").Append(keyColumn).Append(" = source.").Append(keyColumn);
        if (updateColumns.Count > 0)
        {
            sql.Append(" WHEN MATCHED THEN UPDATE SET ").AppendJoin(", ", updateColumns.Select(c => $"{c} = source.{c}"));
        }

        return sql.Append(" WHEN NOT MATCHED THEN INSERT (").AppendJoin(", ", columns)
            .Append(") VALUES (").AppendJoin(", ", columns.Select(c => "source." + c)).Append(");").ToString();
    }

    public string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) OUTPUT INSERTED.{idColumn} " +
        $"VALUES ({string.Join(", ", columns.Select(c => ParameterPrefix + SqlNames.ToParameter(c)))})";

    // '[' opens a character class in T-SQL LIKE.
    public string EscapeLike(string value) => SqlText.EscapeLike(value, LikeEscape, "%_[");
}
