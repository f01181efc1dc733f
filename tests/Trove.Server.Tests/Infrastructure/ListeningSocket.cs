using System.Globalization;

namespace Trove.Server.Tests.Infrastructure;

/// <summary>
/// Whether a process listens on a loopback port, read from /proc instead of probed with a connection: a probe
/// connection would be counted by the server (total_connections) and could still be open when a test reads
/// curr_connections, so it would change what the differential tests compare.
/// </summary>
internal static class ListeningSocket
{
    private const string ListenState = "0A";

    public static bool IsListening(int processId, int port)
    {
        string local = $"0100007F:{port:X4}";
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && fields[1] == local && fields[3] == ListenState)
            {
                inodes.Add($"socket:[{fields[9]}]");
            }
        }

        if (inodes.Count == 0)
        {
            return false;
        }

        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd"))
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && inodes.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The process exited meanwhile, or a descriptor closed while we looked.
        }

        return false;
    }
}
