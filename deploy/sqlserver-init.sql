-- Run once by the db-init service of docker-compose.sqlserver.yml, with ArchivePassword in its environment: the database and a
-- login of the archive's own that owns it, so the archive never connects as sa. The archive creates its tables.
IF DB_ID(N'dicom') IS NULL
    CREATE DATABASE dicom;
GO
-- Searches read the last committed version of a row instead of waiting for a write to commit.
ALTER DATABASE dicom SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
GO
IF SUSER_ID(N'archive') IS NULL
    CREATE LOGIN archive WITH PASSWORD = N'$(ArchivePassword)';
GO
USE dicom;
IF USER_ID(N'archive') IS NULL
    CREATE USER archive FOR LOGIN archive;
ALTER ROLE db_owner ADD MEMBER archive;
GO
