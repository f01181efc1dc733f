using System.Buffers;
using System.Text;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Meta;
using Trove.Storage;

namespace Trove.Server.Tests.Meta;

/// <summary>
/// Drives <see cref="MetaCommands"/> with a real engine the way the connection session does: finds each command
/// line, frames it, hands ms its data (or swallows it after a rejection) and collects the replies. Wire text is
/// Latin-1, one char per byte. "@@wait N@@" in the wire advances the clock by N seconds (a pause, for the
/// scripts that replay these scenarios against memcached).
/// </summary>
internal sealed class MetaHarness : IDisposable
{
    private const string WaitMarker = "@@wait ";

    public MetaHarness(EngineOptions? options = null)
    {
        Clock = new ManualClock();
        Engine = new CacheEngine(options ?? new EngineOptions(), Clock);
        Context = new ServerContext(Engine, new ServerOptions(), Clock);
    }

    public ManualClock Clock { get; }

    public CacheEngine Engine { get; }

    public ServerContext Context { get; }

    /// <summary>Runs <paramref name="wire"/> on a fresh engine and returns everything it answered.</summary>
    public static string RunFresh(string wire)
    {
        using var harness = new MetaHarness();
        return harness.Run(wire);
    }

    /// <summary>Processes every complete command in <paramref name="wire"/>; returns the replies.</summary>
    public string Run(string wire)
    {
        var output = new ArrayBufferWriter<byte>();
        int position = 0;
        while (true)
        {
            int marker = wire.IndexOf(WaitMarker, position, StringComparison.Ordinal);
            string segment = marker < 0 ? wire[position..] : wire[position..marker];
            Process(Encoding.Latin1.GetBytes(segment), output);
            if (marker < 0)
            {
                return Encoding.Latin1.GetString(output.WrittenSpan);
            }
            int number = marker + WaitMarker.Length;
            int close = wire.IndexOf("@@", number, StringComparison.Ordinal);
            Clock.AdvanceSeconds(int.Parse(wire.AsSpan(number, close - number)));
            position = close + 2;
        }
    }

    private void Process(byte[] input, ArrayBufferWriter<byte> output)
    {
        int position = 0;
        while (position < input.Length)
        {
            int newline = Array.IndexOf(input, (byte)'\n', position);
            if (newline < 0)
            {
                throw new InvalidOperationException("Incomplete command line in test wire text.");
            }
            int end = newline;
            // memcached strips a '\r' before the '\n' unless it is the only byte of the line.
            if (end - position > 1 && input[end - 1] == '\r')
            {
                end--;
            }
            ReadOnlySpan<byte> line = input.AsSpan(position, end - position);
            position = newline + 1;
            if (!IsMetaCommand(line))
            {
                output.Write("ERROR\r\n"u8);
                continue;
            }
            long needed = MetaCommands.Frame(line, Context, output, out bool rejected);
            int available = (int)Math.Min(needed, input.Length - position);
            if (rejected)
            {
                position += available;
                continue;
            }
            if (available < needed)
            {
                throw new InvalidOperationException("Incomplete ms data in test wire text.");
            }
            var data = new ReadOnlySequence<byte>(input, position, available);
            position += available;
            MetaCommands.Execute(line, data, Context, output);
        }
    }

    // The session routes a first token of two bytes starting with 'm' to the meta commands when it is one of six.
    private static bool IsMetaCommand(ReadOnlySpan<byte> line)
    {
        int start = 0;
        while (start < line.Length && line[start] == ' ')
        {
            start++;
        }
        ReadOnlySpan<byte> rest = line[start..];
        int space = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> command = space < 0 ? rest : rest[..space];
        return command.Length == 2 && command[0] == 'm' && "gsdane"u8.Contains(command[1]);
    }

    public void Dispose() => Engine.Dispose();
}
