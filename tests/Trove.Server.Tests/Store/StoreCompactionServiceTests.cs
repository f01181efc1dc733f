using Trove.Server.Store;

namespace Trove.Server.Tests.Store;

public sealed class StoreCompactionServiceTests
{
    [Fact]
    public async Task CompactionRunsOnAThreadOfItsOwnNotOnAThreadPoolThread()
    {
        bool onPool = await StoreCompactionService.RunOffThreadPool(() => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(onPool);
    }

    [Fact]
    public async Task WhatTheCompactionThrowsReachesTheService()
    {
        Task<bool> run = StoreCompactionService.RunOffThreadPool<bool>(() => throw new IOException("disk gone"), CancellationToken.None);

        IOException error = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("disk gone", error.Message);
    }
}
