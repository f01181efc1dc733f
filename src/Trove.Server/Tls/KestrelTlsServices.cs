using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Trove.Server.Tls;

/// <summary>
/// Kestrel's TLS middleware (<c>ListenOptions.UseHttps</c>) takes Kestrel's metrics object from the application's
/// services, which only the web host normally registers. This lets Kestrel's own public registration
/// (<c>UseKestrelCore</c>) add its services to the node's plain container, without the web host itself.
/// </summary>
internal static class KestrelTlsServices
{
    public static IServiceCollection AddKestrelTlsServices(this IServiceCollection services)
    {
        services.AddMetrics();
        new RegistrationOnlyWebHostBuilder(services).UseKestrelCore();
        return services;
    }

    /// <summary>An <see cref="IWebHostBuilder"/> that only forwards service registrations; it never builds a host.</summary>
    private sealed class RegistrationOnlyWebHostBuilder(IServiceCollection services) : IWebHostBuilder
    {
        private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

        // The interface still names the obsolete IWebHost; this builder never builds one.
#pragma warning disable ASPDEPR008
        public IWebHost Build() => throw new NotSupportedException("registration only");
#pragma warning restore ASPDEPR008

        public IWebHostBuilder ConfigureAppConfiguration(Action<WebHostBuilderContext, IConfigurationBuilder> configureDelegate) => this;

        public IWebHostBuilder ConfigureServices(Action<IServiceCollection> configureServices)
        {
            configureServices(services);
            return this;
        }

        public IWebHostBuilder ConfigureServices(Action<WebHostBuilderContext, IServiceCollection> configureServices)
        {
            configureServices(new WebHostBuilderContext { Configuration = new ConfigurationBuilder().Build() }, services);
            return this;
        }

        public string? GetSetting(string key) => _settings.GetValueOrDefault(key);

        public IWebHostBuilder UseSetting(string key, string? value)
        {
            _settings[key] = value;
            return this;
        }
    }
}
