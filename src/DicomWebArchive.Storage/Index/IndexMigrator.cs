using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Text;
using Dapper;

namespace DicomWebArchive.Storage.Index;

/// <summary>
/// Applies the dialect's numbered scripts (Index/Migrations/{dialect}/NNNN_name.sql) in order, each in a transaction
/// that holds the database's migration lock and first checks schema_version, so several replicas starting at once
/// apply each script once. A line holding only GO ends a batch (SQL Server compiles a batch whole, so a column added by
/// ALTER TABLE can only be used in the next one).
/// </summary>
internal static class IndexMigrator
{
    public static IReadOnlyList<Migration> Load(ISqlDialect dialect)
    {
        var assembly = typeof(IndexMigrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Index.Migrations.{dialect.Name}.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_name.sql.");
            }

            migrations.Add(new Migration(version, name, () => Read(assembly, resource)));
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No index migrations are embedded for the {dialect.Name} dialect (expected Index/Migrations/{dialect.Name}/NNNN_name.sql).");
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Migrations '{migrations[i - 1].Name}' and '{migrations[i].Name}' share a version.");
            }
        }

        return migrations;
    }

    /// <summary>Returns the versions this call applied (none when the schema was current).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(IndexDatabase database, CancellationToken cancellationToken)
    {
        var applied = new List<int>();
        var migrations = Load(database.Dialect);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await database.PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
            var transaction = await database.BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await connection.ExecuteAsync(new CommandDefinition(database.Dialect.CreateSchemaVersionTable, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var migration in migrations)
            {
                if (await ApplyAsync(database, connection, migration, cancellationToken).ConfigureAwait(false))
                {
                    applied.Add(migration.Version);
                }
            }
        }

        return applied;
    }

    private static async Task<bool> ApplyAsync(IndexDatabase database, DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        var p = database.Dialect.ParameterPrefix;
        var transaction = await database.BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT COUNT(*) FROM schema_version WHERE version = {p}Version", new { migration.Version }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (done > 0)
            {
                return false;
            }

            foreach (var batch in Batches(migration.Sql()))
            {
                await connection.ExecuteAsync(new CommandDefinition(batch, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO schema_version (version, name, applied_at) VALUES ({p}Version, {p}Name, {database.Dialect.UtcNowMilliseconds})",
                new { migration.Version, migration.Name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>The newest schema version the embedded scripts of <paramref name="dialect"/> make.</summary>
    public static int LatestVersion(ISqlDialect dialect) => Load(dialect)[^1].Version;

    internal static IEnumerable<string> Batches(string sql)
    {
        var batch = new StringBuilder();
        foreach (var line in sql.Split('\n'))
        {
            if (line.Trim().Equals("GO", StringComparison.OrdinalIgnoreCase))
            {
                if (batch.ToString().Trim().Length > 0)
                {
                    yield return batch.ToString();
                }
                batch.Clear();
                continue;
            }
            batch.Append(line).Append('\n');
        }
        if (batch.ToString().Trim().Length > 0)
        {
            yield return batch.ToString();
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal sealed record Migration(int Version, string Name, Func<string> Sql);
}
