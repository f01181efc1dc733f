using System.Buffers;
using System.Net;
using Trove.Protocol.Text;
using Trove.Server.Memcache.Text;

namespace Trove.Server.Memcache.Stats;

/// <summary>The stats command family, dispatched on the subcommand as memcached's process_stat does.</summary>
internal static class StatsCommand
{
    public static void Execute(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output, ClientConnection? connection)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        if (tokens.Count == 1)
        {
            GeneralStats.Write(context, output);
            output.Write(TextReplies.End);
            return;
        }

        ReadOnlySpan<byte> subcommand = tokens[1].Of(line);
        if (subcommand.SequenceEqual("reset"u8))
        {
            // memcached counts bytes_written as replies leave; this batch's replies so far left before the reset,
            // but the handler counts them only when it flushes, so they are taken out again here.
            long sentBeforeReset = connection?.Transmit?.UnflushedBytes ?? 0;
            Reset(context);
            context.Counters.Add(ProtocolCounter.BytesWritten, -sentBeforeReset);
            output.Write(TextReplies.Reset);
        }
        else if (subcommand.SequenceEqual("detail"u8))
        {
            Detail(context, tokens.Count < 3 ? default : tokens[2].Of(line), output);
        }
        else if (subcommand.SequenceEqual("settings"u8))
        {
            SettingsStats.Write(context, output);
            output.Write(TextReplies.End);
        }
        else if (subcommand.SequenceEqual("cachedump"u8))
        {
            CacheDump(context, in request, line, output);
        }
        else if (subcommand.SequenceEqual("conns"u8))
        {
            Connections(context, output, connection);
            output.Write(TextReplies.End);
        }
        else if (subcommand.SequenceEqual("nodes"u8))
        {
            ClusterStats.WriteNodes(context, output);
        }
        else if (subcommand.SequenceEqual("cluster"u8))
        {
            ClusterStats.WriteCluster(context, output);
        }
        else if (subcommand.SequenceEqual("partitions"u8))
        {
            ClusterStats.WritePartitions(context, output);
        }
        else if (subcommand.SequenceEqual("store"u8))
        {
            StoreStats.Write(context, output);
        }
        else if (subcommand.SequenceEqual("extstore"u8))
        {
            output.Write(TextReplies.End); // memcached built with extstore but running without it lists nothing
        }
        else if (!EngineStatsWriter.TryWrite(context, subcommand, output))
        {
            output.Write(TextReplies.Error);
        }
    }

    /// <summary>memcached's stats_reset: every counter restarts from zero; gauges (items, bytes, connections) stay.</summary>
    public static void Reset(ServerContext context)
    {
        context.Counters.Reset();
        context.PrefixStats.Clear();
        context.ListenerCountedInTotalConnections = false;
        context.Engine.ResetStats();
    }

    private static void Detail(ServerContext context, ReadOnlySpan<byte> argument, IBufferWriter<byte> output)
    {
        if (argument.SequenceEqual("on"u8))
        {
            context.PrefixStats.Enabled = true;
            output.Write(TextReplies.Ok);
        }
        else if (argument.SequenceEqual("off"u8))
        {
            context.PrefixStats.Enabled = false;
            output.Write(TextReplies.Ok);
        }
        else if (argument.SequenceEqual("dump"u8))
        {
            context.PrefixStats.Dump(output);
        }
        else
        {
            output.Write("CLIENT_ERROR usage: stats detail on|off|dump\r\n"u8);
        }
    }

    private static void CacheDump(ServerContext context, in TextRequest request, ReadOnlySpan<byte> line, IBufferWriter<byte> output)
    {
        ref readonly TextTokens tokens = ref request.Tokens;
        if (tokens.Count < 4)
        {
            output.Write(TextReplies.BadCommandLine);
            return;
        }
        if (!TextNumber.TryParseUInt32(tokens[2].Of(line), out uint classId) || !TextNumber.TryParseUInt32(tokens[3].Of(line), out uint limit))
        {
            output.Write(TextReplies.BadCommandLineFormat);
            return;
        }
        if (classId >= AdminCommands.MaxSlabClasses)
        {
            output.Write("CLIENT_ERROR Illegal slab id\r\n"u8);
            return;
        }
        ItemDumps.CacheDump(context, (int)classId, limit, output);
    }

    private static void Connections(ServerContext context, IBufferWriter<byte> output, ClientConnection? connection)
    {
        // With port 0 (tests) the bound port is only known from a connection's local end point.
        int port = context.Options.Port == 0 && connection?.Local is IPEndPoint local ? local.Port : context.Options.Port;
        EndPoint? listener = IPAddress.TryParse(context.Options.ListenAddress, out IPAddress? address) ? new IPEndPoint(address, port) : null;
        Span<byte> listenAddress = stackalloc byte[64];
        int length = ConnectionRegistry.FormatAddress(listener, listenAddress);
        context.Connections.WriteStats(output, listenAddress.Slice(0, length), context.UptimeSeconds, context.Engine.Now);
    }
}
