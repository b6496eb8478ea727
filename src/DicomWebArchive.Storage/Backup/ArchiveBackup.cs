using System.ComponentModel;
using System.Diagnostics;
using DicomWebArchive.Storage.Blobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DicomWebArchive.Storage.Backup;

/// <summary>
/// A backup of a filesystem archive in one directory: a consistent snapshot of the index (<c>index.db</c> by SQLite's online
/// backup, or <c>index.pgdump</c> by pg_dump), then the blob roots copied file by file under <c>blobs/hot</c> and
/// <c>blobs/cool</c>. The snapshot comes first: every blob it names was durable before it and is copied after it. Blobs
/// stored meanwhile are copied too; no index row names them after a restore, so the sweeper removes them. A blob never
/// changes under its key, so one already in the backup directory is not copied again: backing up into the same directory
/// again is incremental.
/// </summary>
public sealed class ArchiveBackup(IOptions<StorageOptions> options)
{
    public const string SqliteFile = "index.db";
    public const string PostgreSqlFile = "index.pgdump";

    public async Task<BackupSummary> BackupAsync(string directory, CancellationToken cancellationToken)
    {
        var storage = options.Value;
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        string index = storage.IndexProvider switch
        {
            StorageIndexOptions.Sqlite => BackupSqlite(storage.IndexConnectionString, Path.Combine(directory, SqliteFile)),
            StorageIndexOptions.PostgreSql => await DumpPostgreSqlAsync(storage.IndexConnectionString, Path.Combine(directory, PostgreSqlFile), cancellationToken),
            _ => throw new BackupException("The SQL Server index is backed up with SQL Server's own BACKUP DATABASE (see the README, Backup and disaster recovery); back up the blobs before it is restored."),
        };
        var hot = await CopyBlobsAsync(storage.HotRoot, Path.Combine(directory, "blobs", "hot"), cancellationToken);
        var cool = await CopyBlobsAsync(storage.CoolRoot, Path.Combine(directory, "blobs", "cool"), cancellationToken);
        return new BackupSummary(index, hot.Copied + cool.Copied, hot.Present + cool.Present, hot.Bytes + cool.Bytes);
    }

    /// <summary>Restores a backup onto empty storage: a data directory, blob roots and index that hold nothing yet.</summary>
    /// <exception cref="BackupException">The backup is not one, or the storage is not empty.</exception>
    public async Task<BackupSummary> RestoreAsync(string directory, CancellationToken cancellationToken)
    {
        var storage = options.Value;
        directory = Path.GetFullPath(directory);
        if (!Directory.Exists(Path.Combine(directory, "blobs")))
        {
            throw new BackupException($"{directory} is not a backup of the archive (it has no blobs directory).");
        }
        foreach (var place in new[] { storage.FullDataDirectory, storage.HotRoot, storage.CoolRoot })
        {
            if (Directory.Exists(place) && Directory.EnumerateFileSystemEntries(place).Any())
            {
                throw new BackupException($"{place} is not empty: a restore starts from empty storage and never mixes with what is there. Restore into a new Storage:DataDirectory.");
            }
        }
        string index;
        switch (storage.IndexProvider)
        {
            case StorageIndexOptions.Sqlite:
                index = Path.Combine(directory, SqliteFile);
                string target = new SqliteConnectionStringBuilder(storage.IndexConnectionString).DataSource;
                if (!File.Exists(index))
                {
                    throw new BackupException($"{directory} holds no SQLite index ({SqliteFile}); restore it with the index database it was taken from.");
                }
                if (File.Exists(target))
                {
                    throw new BackupException($"{target} exists: a restore never overwrites an index.");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                await CopyFileAsync(index, target, cancellationToken);
                break;
            case StorageIndexOptions.PostgreSql:
                index = Path.Combine(directory, PostgreSqlFile);
                if (!File.Exists(index))
                {
                    throw new BackupException($"{directory} holds no PostgreSQL dump ({PostgreSqlFile}); restore it with the index database it was taken from.");
                }
                await RestorePostgreSqlAsync(storage.IndexConnectionString, index, cancellationToken);
                break;
            default:
                throw new BackupException("The SQL Server index is restored with SQL Server's own RESTORE DATABASE (see the README, Backup and disaster recovery).");
        }
        var hot = await CopyBlobsAsync(Path.Combine(directory, "blobs", "hot"), storage.HotRoot, cancellationToken);
        var cool = await CopyBlobsAsync(Path.Combine(directory, "blobs", "cool"), storage.CoolRoot, cancellationToken);
        return new BackupSummary(index, hot.Copied + cool.Copied, 0, hot.Bytes + cool.Bytes);
    }

    // SQLite's online backup copies a consistent snapshot page by page while other connections keep writing.
    private static string BackupSqlite(string connectionString, string file)
    {
        string temp = file + FileSystemBlobStore.TempSuffix;
        File.Delete(temp);
        using (var source = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
        }
        File.Move(temp, file, overwrite: true);
        return file;
    }

    // pg_dump takes its snapshot in one repeatable-read transaction: consistent while the archive keeps storing.
    private static async Task<string> DumpPostgreSqlAsync(string connectionString, string file, CancellationToken cancellationToken)
    {
        string temp = file + FileSystemBlobStore.TempSuffix;
        await RunPostgreSqlToolAsync("pg_dump", connectionString, ["--format=custom", "--no-owner", "--no-privileges", "--file=" + temp], cancellationToken);
        File.Move(temp, file, overwrite: true);
        return file;
    }

    private static async Task RestorePostgreSqlAsync(string connectionString, string file, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection);
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                throw new BackupException($"The PostgreSQL database '{connection.Database}' is not empty: a restore never mixes with an index. Restore into a new database.");
            }
        }
        await RunPostgreSqlToolAsync("pg_restore", connectionString, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", file], cancellationToken);
    }

    /// <summary>Runs pg_dump or pg_restore against the database; the connection goes in libpq's variables, never in the arguments.</summary>
    private static async Task RunPostgreSqlToolAsync(string tool, string connectionString, string[] arguments, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        start.Environment["PGHOST"] = connection.Host;
        start.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = connection.Username;
        start.Environment["PGDATABASE"] = connection.Database;
        if (connection.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        if (tool == "pg_restore")
        {
            start.ArgumentList.Add("--dbname=" + connection.Database);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            throw new BackupException($"{tool} is not on PATH: install the PostgreSQL client of the server's major version (Debian: postgresql-client).");
        }
        using (process)
        {
            string errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new BackupException($"{tool} failed (exit code {process.ExitCode}): {errors.Trim()}");
            }
        }
    }

    /// <summary>Copies committed blobs (never a <c>.tmp</c> being written) that the target does not hold yet.</summary>
    private static async Task<(long Copied, long Present, long Bytes)> CopyBlobsAsync(string sourceRoot, string targetRoot, CancellationToken cancellationToken)
    {
        long copied = 0, present = 0, bytes = 0;
        if (!Directory.Exists(sourceRoot))
        {
            return (0, 0, 0);
        }
        foreach (var file in new DirectoryInfo(sourceRoot).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (file.Name.EndsWith(FileSystemBlobStore.TempSuffix, StringComparison.Ordinal))
            {
                continue;
            }
            var target = new FileInfo(Path.Combine(targetRoot, Path.GetRelativePath(sourceRoot, file.FullName)));
            if (target.Exists && target.Length == file.Length)
            {
                present++;
                continue;
            }
            try
            {
                await CopyFileAsync(file.FullName, target.FullName, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                // Purged or moved to another tier while the copy ran: the snapshot does not name it, or names it in the other root.
                continue;
            }
            copied++;
            bytes += file.Length;
        }
        return (copied, present, bytes);
    }

    /// <summary>Copies to a temporary name, flushed to disk, then renames: a file under its final name is whole.</summary>
    private static async Task CopyFileAsync(string source, string target, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = target + FileSystemBlobStore.TempSuffix;
        await using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true))
        await using (var to = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await from.CopyToAsync(to, cancellationToken);
            PageCache.FlushToDiskAndDrop(to);
        }
        File.Move(temp, target, overwrite: true);
    }
}

/// <param name="Index">The index snapshot written or restored.</param>
/// <param name="BlobsCopied">Blobs copied now.</param>
/// <param name="BlobsPresent">Blobs already in the backup from an earlier run, not copied again.</param>
/// <param name="BytesCopied">Bytes of the blobs copied now.</param>
public sealed record BackupSummary(string Index, long BlobsCopied, long BlobsPresent, long BytesCopied);

/// <summary>A backup or restore that cannot be done; the message says why and what to do.</summary>
public sealed class BackupException(string message) : Exception(message);
