using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DicomWebArchive.Cli.Common;

/// <summary>Console output shared by the commands: plain-text cells, progress, figures.</summary>
internal static class Ui
{
    public static IAnsiConsole Out => AnsiConsole.Console;

    /// <summary>Cells as plain text: file names and server data may hold "[", which Spectre would read as markup.</summary>
    public static IRenderable[] Row(params string?[] cells) => [.. cells.Select(c => (IRenderable)new Text(c ?? ""))];

    public static string Number(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    public static double Megabytes(long bytes) => bytes / 1048576.0;

    /// <summary>Per second, 0 for no time.</summary>
    public static double Rate(double amount, TimeSpan elapsed) => elapsed.TotalSeconds > 0 ? amount / elapsed.TotalSeconds : 0;

    /// <summary>A name relative to the working directory when it is under it: shorter tables, same meaning.</summary>
    public static string Display(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }

    /// <summary>
    /// Runs <paramref name="work"/> under a live progress bar, calling <paramref name="update"/> four times a second.
    /// Without a terminal (output to a file or a pipe) it just runs: a log needs no animation.
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(string title, double total, Func<Task<T>> work, Func<(double Value, string Description)> update)
    {
        if (!Out.Profile.Capabilities.Interactive)
        {
            return await work().ConfigureAwait(false);
        }
        return await Out.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: Math.Max(1, total));
                var running = work();
                while (!running.IsCompleted)
                {
                    (task.Value, task.Description) = Show(update());
                    await Task.WhenAny(running, Task.Delay(250)).ConfigureAwait(false);
                }
                var (_, description) = Show(update());
                task.Description = description;
                task.Value = task.MaxValue;
                return await running.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>A spinner with a changing line of text while <paramref name="work"/> runs; on a terminal only.</summary>
    public static async Task<T> WithStatusAsync<T>(string title, Func<Action<string>, Task<T>> work)
    {
        if (!Out.Profile.Capabilities.Interactive)
        {
            return await work(_ => { }).ConfigureAwait(false);
        }
        return await Out.Status().StartAsync(Markup.Escape(title), status => work(text => status.Status(Markup.Escape(text)))).ConfigureAwait(false);
    }

    private static (double, string) Show((double Value, string Description) state) => (state.Value, Markup.Escape(state.Description));
}
