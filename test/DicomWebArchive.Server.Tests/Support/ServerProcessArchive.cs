namespace DicomWebArchive.Server.Tests.Support;

internal static class ServerProcessArchive
{
    extension(ServerProcess server)
    {
        /// <summary>What the server process's data directory really holds.</summary>
        public ArchiveInspector Archive => new(server.DataDirectory);
    }
}
