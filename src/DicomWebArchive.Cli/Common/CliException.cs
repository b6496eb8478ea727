namespace DicomWebArchive.Cli.Common;

/// <summary>A failure the user can act on: its message is printed as one line, without a stack trace.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
