using Trove.Storage;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// The settings a test wants, expressed once and translated to memcached's command line and to Trove's options,
/// so both servers run with the same memory limit, item size limit and connection limit.
/// </summary>
internal sealed record ServerSettings
{
    public static ServerSettings Default { get; } = new();

    /// <summary>-m: item memory in megabytes.</summary>
    public int MemoryMegabytes { get; init; } = 64;

    /// <summary>-I: largest item in bytes.</summary>
    public int MaxItemSizeBytes { get; init; } = 1 << 20;

    /// <summary>-c: most simultaneous connections.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>-t: worker threads (memcached's; Trove accepts and reports it).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>-Y: auth file of user:password lines; null for no authentication.</summary>
    public string? AuthFile { get; init; }

    /// <summary>-o idle_timeout: seconds before an idle connection is closed; 0 for never.</summary>
    public int IdleTimeoutSeconds { get; init; }

    /// <summary>-Z with ssl_chain_cert/ssl_key: PEM certificate and key for a TLS-only port; null for plain TCP.</summary>
    public (string Cert, string Key)? Tls { get; init; }

    /// <summary>ssl_ca_cert with ssl_verify_mode=3: clients must present a certificate this CA issued.</summary>
    public string? TlsCa { get; init; }

    public IReadOnlyList<string> ToMemcachedArguments(int port)
    {
        var arguments = new List<string>
        {
            "-U", "0", "-l", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", MemoryMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-I", MaxItemSizeBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (AuthFile is not null)
        {
            arguments.AddRange(["-Y", AuthFile]);
        }
        if (IdleTimeoutSeconds > 0)
        {
            arguments.AddRange(["-o", "idle_timeout=" + IdleTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (Tls is { } tls)
        {
            string ssl = $"ssl_chain_cert={tls.Cert},ssl_key={tls.Key}";
            if (TlsCa is not null)
            {
                ssl += $",ssl_ca_cert={TlsCa},ssl_verify_mode=3";
            }
            arguments.AddRange(["-Z", "-o", ssl]);
        }
        if (Environment.UserName == "root")
        {
            // memcached refuses to run as root without naming the user to run as.
            arguments.AddRange(["-u", "root"]);
        }

        return arguments;
    }

    public ServerOptions ToServerOptions() => new()
    {
        Port = 0,
        ListenAddress = "127.0.0.1",
        MaxConnections = MaxConnections,
        Threads = Threads,
        UdpPort = 0,
        AuthFile = AuthFile,
        IdleTimeoutSeconds = IdleTimeoutSeconds,
        TlsCertPath = Tls?.Cert,
        TlsKeyPath = Tls?.Key,
        TlsCaPath = TlsCa,
    };

    public EngineOptions ToEngineOptions() => new()
    {
        MemoryLimitBytes = (long)MemoryMegabytes << 20,
        MaxItemSize = MaxItemSizeBytes,
    };
}
