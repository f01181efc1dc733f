using System.Buffers;
using Trove.Server.Memcache;
using Trove.Server.Memcache.Binary;
using Trove.Server.Tests.Infrastructure;
using Trove.Storage;

namespace Trove.Server.Tests.Session;

/// <summary>The binary hot path allocates nothing per request once a connection is warm.</summary>
public sealed class BinaryAllocationTests
{
    [Fact]
    public void A_warm_binary_session_allocates_nothing_per_batch()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var engine = new CacheEngine(new EngineOptions(), time);
        var context = new ServerContext(engine, new ServerOptions(), time);
        var session = new BinarySession(context);
        byte[] batch =
        [
            .. BinaryPacket.Parse("set key=k flags=5 value=hello"), .. BinaryPacket.Parse("get key=k"),
            .. BinaryPacket.Parse("getkq key=k"), .. BinaryPacket.Parse("getq key=miss"), .. BinaryPacket.Parse("get key=miss"),
            .. BinaryPacket.Parse("setq key=n value=1"), .. BinaryPacket.Parse("incr key=n delta=2"),
            .. BinaryPacket.Parse("gat key=k exp=100"), .. BinaryPacket.Parse("append key=k value=!"),
            .. BinaryPacket.Parse("delete key=n"), .. BinaryPacket.Parse("noop"),
        ];
        var input = new ReadOnlySequence<byte>(batch);
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        for (int i = 0; i < 100; i++)
        {
            Run(session, input, output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Run(session, input, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Runs the batch to its end, calling again after each yield as the connection handler does.</summary>
    private static void Run(BinarySession session, ReadOnlySequence<byte> input, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        ReadOnlySequence<byte> rest = input;
        while (!rest.IsEmpty)
        {
            SessionResult result = session.Process(rest, output, out SequencePosition consumed, out _);
            if (result != SessionResult.Continue)
            {
                throw new InvalidOperationException("the session closed");
            }
            rest = rest.Slice(consumed);
        }
    }
}
