using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DicomWebArchive.Core;

/// <summary>
/// Settings bound from one configuration section and checked at start-up: every options class of the archive says
/// what is wrong with it in words that name the setting, and a bad value stops the server before it serves.
/// </summary>
public interface IArchiveOptions
{
    /// <summary>The configuration section, e.g. "Store" or "Storage".</summary>
    static abstract string Section { get; }

    /// <summary>One message per problem, naming the setting ("Store:Duplicates must be Reject or Overwrite."); none when valid.</summary>
    IEnumerable<string> Validate();
}

public static class ArchiveOptionsExtensions
{
    /// <summary>Binds <typeparamref name="T"/> to its section and validates it at start-up through <see cref="IArchiveOptions.Validate"/>.</summary>
    public static OptionsBuilder<T> AddArchiveOptions<T>(this IServiceCollection services) where T : class, IArchiveOptions
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, Validator<T>>());
        return services.AddOptions<T>().BindConfiguration(T.Section).ValidateOnStart();
    }

    private sealed class Validator<T> : IValidateOptions<T> where T : class, IArchiveOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = options.Validate().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
