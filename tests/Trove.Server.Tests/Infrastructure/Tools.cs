namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// Locates the external clients. Missing tools FAIL the tests with the package to install (CI installs them).
/// Debian's libmemcached-tools 1.1 names the programs memc* (memccapable, memccp, memccat); older packages and
/// other distributions use mem* (memcapable, memcp, memcat): both are accepted.
/// </summary>
internal static class Tools
{
    public static string Memcapable => Find("libmemcached-tools", "memcapable", "memccapable");

    public static string Memcp => Find("libmemcached-tools", "memcp", "memccp");

    public static string Memcat => Find("libmemcached-tools", "memcat", "memccat");

    /// <summary>The openssl command line (s_client is the real TLS client of the TLS tests).</summary>
    public static string OpenSsl => Find("openssl", "openssl");

    /// <summary>A python3 that can import pymemcache: the first on PATH, else the system one (/usr/bin/python3).</summary>
    public static async Task<string> PythonWithPymemcacheAsync()
    {
        var tried = new List<string>();
        foreach (string candidate in new[] { OnPath("python3"), "/usr/bin/python3" }.OfType<string>().Distinct())
        {
            ToolRun probe = await ToolRun.RunAsync(candidate, ["-c", "import pymemcache"]);
            if (probe.ExitCode == 0)
            {
                return candidate;
            }

            tried.Add($"{candidate}: {probe.Output.Trim()}");
        }

        throw new InvalidOperationException(
            $"no python3 with pymemcache (apt-get install python3-pymemcache); tried: {string.Join("; ", tried)}");
    }

    private static string Find(string package, params string[] names)
    {
        foreach (string name in names)
        {
            if (OnPath(name) is { } path)
            {
                return path;
            }
        }

        throw new InvalidOperationException($"none of {string.Join(", ", names)} is on PATH: apt-get install {package}");
    }

    private static string? OnPath(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
