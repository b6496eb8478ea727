namespace DicomWebArchive.Cli.Common;

internal static class Errors
{
    public const int Failed = 1;
    public const int Fatal = 2;
    public const int Cancelled = 130;

    /// <summary>One line on standard error, never a stack trace: the user needs the cause, not our call chain.</summary>
    public static int Report(Exception ex)
    {
        if (ex is OperationCanceledException)
        {
            Line("dicomweb: cancelled", warning: true);
            return Cancelled;
        }
        string message = ex switch
        {
            CliException or UnauthorizedAccessException or IOException or Spectre.Console.Cli.CommandAppException => ex.Message,
            _ => $"unexpected {ex.GetType().Name}: {ex.Message}",
        };
        Line("dicomweb: " + message.ReplaceLineEndings(" "), warning: false);
        return Fatal;
    }

    /// <summary>Standard error, coloured on a terminal, never wrapped: a log line must stay one line.</summary>
    public static void Line(string text, bool warning) =>
        Console.Error.WriteLine(Console.IsErrorRedirected ? text : $"\u001b[{(warning ? 33 : 31)}m{text}\u001b[0m");
}
