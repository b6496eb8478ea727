using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using DicomWebArchive.Cli.Common;

namespace DicomWebArchive.Cli.Viewer;

/// <summary>
/// The prebuilt OHIF viewer: the dist folder of the @ohif/app package at the version the archive is tested with,
/// downloaded from an npm registry, checked against the SHA-512 the registry published for it, and unpacked.
/// </summary>
internal static class OhifPackage
{
    public const string Version = "3.13.2";
    public const string DefaultRegistry = "https://registry.npmjs.org";

    /// <summary>The npm "integrity" of @ohif/app 3.13.2 (npm view @ohif/app@3.13.2 dist.integrity).</summary>
    private const string Integrity = "WZdxmpmG7rqFgW9ZJLcbgr3XCtLi1KDNPoMaeY5PPe6j4G4fjEjjkycZM6C6Zk2F87BKxFfpq+jd5xXZB9E8EA==";

    private const string DistFolder = "package/dist/";

    public static Uri TarballUrl(string registry) => new($"{registry.TrimEnd('/')}/@ohif/app/-/app-{Version}.tgz");

    /// <summary>
    /// Downloads and unpacks the viewer into <paramref name="target"/>, through a staging folder beside it that becomes
    /// <paramref name="target"/> only once every byte is in and the checksum matches: an interrupted or tampered download
    /// leaves nothing that looks like a viewer. Returns the number of files.
    /// </summary>
    public static async Task<int> DownloadAsync(Uri tarball, string target, Action<long> received, CancellationToken cancellationToken)
    {
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            using var response = await Send(http, tarball, cancellationToken).ConfigureAwait(false);
            using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var hashed = new HashingStream(body, sha512, received);
            int files;
            try
            {
                files = await ExtractAsync(hashed, staging, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException($"{tarball} is not a readable package ({ex.Message}); nothing was installed", ex);
            }
            await hashed.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            if (Convert.ToBase64String(sha512.GetHashAndReset()) != Integrity)
            {
                throw new CliException($"{tarball} is not @ohif/app {Version} as published: its SHA-512 differs; nothing was installed");
            }
            if (!File.Exists(Path.Combine(staging, "index.html")))
            {
                throw new CliException($"{tarball} holds no {DistFolder}index.html; nothing was installed");
            }
            Replace(target, staging);
            return files;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, Uri tarball, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(tarball, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot download {tarball}: {ex.Message}", ex);
        }
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new CliException($"{tarball} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return response;
    }

    /// <summary>
    /// Writes the files under package/dist/ into <paramref name="staging"/>. An entry that would land outside it, or
    /// that is not a file or a folder (a link), ends the download: the registry's package has none.
    /// </summary>
    private static async Task<int> ExtractAsync(Stream compressed, string staging, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(staging);
        string root = staging + Path.DirectorySeparatorChar;
        int files = 0;
        await using var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (!entry.Name.StartsWith(DistFolder, StringComparison.Ordinal) || entry.Name.Length == DistFolder.Length)
            {
                continue;
            }
            string path = Path.GetFullPath(Path.Combine(staging, entry.Name[DistFolder.Length..]));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                throw new CliException($"the package holds '{entry.Name}', which points outside its folder; nothing was installed");
            }
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    files++;
                    break;
                default:
                    throw new CliException($"the package holds '{entry.Name}', a {entry.EntryType} entry where only files and folders belong; nothing was installed");
            }
        }
        // The checksum covers the whole tarball, padding included.
        await gzip.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return files;
    }

    /// <summary>Puts the staged viewer in place of <paramref name="target"/>, which holds an older one or nothing.</summary>
    private static void Replace(string target, string staging)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        string old = staging + ".old";
        Directory.Move(target, old);
        Directory.Move(staging, target);
        Directory.Delete(old, recursive: true);
    }

    /// <summary>Reads through to the download, feeding every byte to the checksum and counting them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash, Action<long> received) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer.Span[..read]);
            received(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = inner.Read(buffer, offset, count);
            hash.AppendData(buffer, offset, read);
            received(read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
