using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace DicomWebArchive.Server.Tests.Support;

/// <summary>
/// Looks at what an archive really holds: blob files on disk and rows in its index — the SQLite file in the data
/// directory, or <paramref name="index"/> when the archive was pointed at a test database.
/// </summary>
internal sealed partial class ArchiveInspector(string dataDirectory, TestIndexDatabase? index = null)
{
    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex BlobName();

    /// <summary>Committed blobs (files named by an opaque key).</summary>
    public IReadOnlyList<string> BlobFiles() =>
        [.. Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Where(f => BlobName().IsMatch(Path.GetFileName(f)))];

    /// <summary>Blobs being written, or abandoned by a crash.</summary>
    public IReadOnlyList<string> TemporaryBlobFiles() =>
        [.. Directory.EnumerateFiles(dataDirectory, "*.tmp", SearchOption.AllDirectories)];

    public string BlobPath(string key) => BlobFiles().Single(f => Path.GetFileName(f) == key);

    public string IndexFile =>
        Directory.EnumerateFiles(dataDirectory, "*.db", SearchOption.AllDirectories).FirstOrDefault()
        ?? throw new InvalidOperationException("No SQLite index file under " + dataDirectory);

    public List<T> Query<T>(string sql, object? parameters = null)
    {
        if (index is not null)
        {
            using var database = index.Open();
            return [.. database.Query<T>(sql, parameters)];
        }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = IndexFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        return [.. connection.Query<T>(sql, parameters)];
    }

    public long Count(string table) => Query<long>($"SELECT COUNT(*) FROM {table}").Single();

    public List<InstanceRow> Instances() => Query<InstanceRow>(
        "SELECT i.sop_instance_uid AS SopInstanceUid, i.sop_class_uid AS SopClassUid, se.series_instance_uid AS SeriesInstanceUid, " +
        "st.study_instance_uid AS StudyInstanceUid, i.blob_key AS BlobKey, i.size AS Size, i.sha256 AS Sha256, i.transfer_syntax_uid AS TransferSyntaxUid, " +
        "i.metadata AS Metadata, i.frame_table AS FrameTable, i.pixel_data_offset AS PixelDataOffset " +
        "FROM instance i JOIN series se ON se.id = i.series_id JOIN study st ON st.id = se.study_id");

    /// <summary>
    /// Every committed blob is referenced by exactly one instance row and vice versa, and every instance has the audit
    /// record of its store: nothing half-stored, nothing stored unrecorded.
    /// </summary>
    public void AssertConsistent()
    {
        var keys = BlobFiles().Select(Path.GetFileName).Order().ToList();
        var referenced = Instances().Select(i => i.BlobKey).Order().ToList();
        var unrecorded = Query<string>("SELECT i.sop_instance_uid FROM instance i WHERE NOT EXISTS " +
            "(SELECT 1 FROM audit_event a WHERE a.action = 'store' AND a.sop_instance_uid = i.sop_instance_uid AND a.hash IS NOT NULL)");
        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.EqualTo(referenced), "blob files and index rows disagree");
            Assert.That(TemporaryBlobFiles(), Is.Empty, "temporary blob files left behind");
            Assert.That(unrecorded, Is.Empty, "instances without the audit record of their store");
        });
    }
}

internal sealed class InstanceRow
{
    public string SopInstanceUid { get; set; } = "";
    public string SopClassUid { get; set; } = "";
    public string SeriesInstanceUid { get; set; } = "";
    public string StudyInstanceUid { get; set; } = "";
    public string BlobKey { get; set; } = "";
    public long Size { get; set; }
    public byte[] Sha256 { get; set; } = [];
    public string TransferSyntaxUid { get; set; } = "";
    public byte[] Metadata { get; set; } = [];
    public byte[]? FrameTable { get; set; }
    public long? PixelDataOffset { get; set; }
}
