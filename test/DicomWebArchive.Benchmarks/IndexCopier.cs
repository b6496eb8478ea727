using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using DicomWebArchive.Storage.Index;

namespace DicomWebArchive.Benchmarks;

/// <summary>
/// Copies the rows of a SQLite index, as <see cref="IndexLoader"/> filled it, into a PostgreSQL index with COPY:
/// `copy-index SQLITE_FILE POSTGRES_CONNECTION_STRING`. The same rows, ids and hash chain as the SQLite file, in
/// minutes where a million single-instance transactions over the network take more than an hour; the QIDO benchmark
/// then compares the two databases on identical data. The schema comes from the archive's own migrations.
/// </summary>
internal static class IndexCopier
{
    // Parents before children (foreign keys); the schema version is each database's own.
    private static readonly string[] Tables = ["study", "series", "instance", "change_log", "audit_event"];

    public static async Task<int> RunAsync(string[] args)
    {
        var (sqlitePath, connectionString) = (args[1], args[2]);
        await SqlIndexStore.Create("PostgreSql", connectionString).InitializeAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await using var source = new SqliteConnection($"Data Source={sqlitePath};Mode=ReadOnly");
        await source.OpenAsync();
        await using var target = new NpgsqlConnection(connectionString);
        await target.OpenAsync();
        foreach (var table in Tables)
        {
            var columns = await ColumnsAsync(target, table);
            long rows = await CopyAsync(source, target, table, columns);
            var key = columns.Select(c => c.Name).First(name => name is "id" or "sequence");
            await using var identity = new NpgsqlCommand($"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), COALESCE(MAX({key}), 0) + 1, false) FROM {table}", target);
            await identity.ExecuteScalarAsync();
            Console.WriteLine($"{table}: {rows} rows, {clock.Elapsed.TotalSeconds:F0} s");
        }
        // Statistics as autovacuum would have gathered them on a database filled over time.
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", target) { CommandTimeout = 0 })
        {
            await analyze.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"copied and analysed in {clock.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static async Task<List<(string Name, NpgsqlDbType Type)>> ColumnsAsync(NpgsqlConnection target, string table)
    {
        await using var command = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = @table ORDER BY ordinal_position", target);
        command.Parameters.AddWithValue("table", table);
        var columns = new List<(string, NpgsqlDbType)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetString(1) switch
            {
                "bigint" => NpgsqlDbType.Bigint,
                "integer" => NpgsqlDbType.Integer,
                "bytea" => NpgsqlDbType.Bytea,
                "text" => NpgsqlDbType.Text,
                var other => throw new NotSupportedException($"{table}: column type {other}"),
            }));
        }
        return columns;
    }

    private static async Task<long> CopyAsync(SqliteConnection source, NpgsqlConnection target, string table, List<(string Name, NpgsqlDbType Type)> columns)
    {
        string names = string.Join(", ", columns.Select(c => c.Name));
        await using var select = new SqliteCommand($"SELECT {names} FROM {table} ORDER BY 1", source);
        await using var reader = await select.ExecuteReaderAsync();
        await using var import = await target.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)");
        long rows = 0;
        while (await reader.ReadAsync())
        {
            await import.StartRowAsync();
            for (int i = 0; i < columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    await import.WriteNullAsync();
                    continue;
                }
                object value = columns[i].Type switch
                {
                    NpgsqlDbType.Bigint => reader.GetInt64(i),
                    NpgsqlDbType.Integer => reader.GetInt32(i),
                    NpgsqlDbType.Bytea => (byte[])reader.GetValue(i),
                    _ => reader.GetString(i),
                };
                await import.WriteAsync(value, columns[i].Type);
            }
            rows++;
        }
        await import.CompleteAsync();
        return rows;
    }
}
