namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Everything that differs between the databases the index runs on. The SQL of <see cref="IndexSql"/> is otherwise
/// portable; values always travel as parameters.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>Names the folder of this dialect's numbered migration scripts (Index/Migrations/{Name}).</summary>
    string Name { get; }

    char ParameterPrefix { get; }

    /// <summary>The character <see cref="EscapeLike"/> escapes with, named in every LIKE's ESCAPE clause.</summary>
    char LikeEscape { get; }

    /// <summary>An SQL expression for the current time in UTC Unix milliseconds.</summary>
    string UtcNowMilliseconds { get; }

    /// <summary>Column definition of a 64-bit auto-generated primary key.</summary>
    string IdentityColumn(string name);

    string Parameter(string name) => ParameterPrefix + name;

    /// <summary>Appended after ORDER BY.</summary>
    string Paging(string limitParameter, string offsetParameter);

    /// <summary>
    /// Inserts a row unless one with the same <paramref name="keyColumn"/> exists; then updates <paramref name="updateColumns"/>
    /// (none: leaves it as it is, and the statement affects no row, which tells the caller the row was not new).
    /// </summary>
    string Upsert(string table, IReadOnlyList<string> columns, string keyColumn, IReadOnlyList<string> updateColumns);

    /// <summary>Inserts a row and yields its generated <paramref name="idColumn"/> as a scalar.</summary>
    string InsertReturningId(string table, IReadOnlyList<string> columns, string idColumn);

    /// <summary><paramref name="column"/> LIKE <paramref name="patternParameter"/> with this dialect's ESCAPE clause.</summary>
    string Like(string column, string patternParameter) => $"{column} LIKE {Parameter(patternParameter)} ESCAPE '{LikeEscape}'";

    /// <summary>Makes a literal value safe inside a LIKE pattern (its wildcards match only themselves).</summary>
    string EscapeLike(string value);

    /// <summary>Creates the migrator's bookkeeping table when it is missing.</summary>
    string CreateSchemaVersionTable { get; }

    /// <summary>
    /// <paramref name="column"/> matched against a pattern made by <see cref="WildcardPattern"/>: DICOM wild card
    /// matching (PS3.4 C.2.2.2.4), case-sensitive, and a prefix pattern can use an index.
    /// </summary>
    string Wildcard(string column, string patternParameter) => Like(column, patternParameter);

    /// <summary>A DICOM pattern (<c>*</c> any run, <c>?</c> one character, everything else literal) in this dialect's syntax.</summary>
    string WildcardPattern(string dicomPattern)
    {
        var escaped = EscapeLike(dicomPattern);
        return escaped.Replace('*', '%').Replace('?', '_');
    }
}
