using ProcCmdlets.Pools;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    public class ChunkSchedulerTests
    {
        [Fact]
        public void AGivenChunkSizeIsAlwaysUsed() =>
            Assert.Equal(5, ChunkScheduler.ChunkSize(5, 0.5, 1, true, 8));

        [Theory]
        [InlineData(1000, 2, 16)]
        [InlineData(20, 2, 2)]
        [InlineData(3, 4, 1)]
        public void BeforeAnyMeasurementChunksAreSmallAndLeaveEveryWorkerAShare(int pending, int workers, int expected) =>
            Assert.Equal(expected, ChunkScheduler.ChunkSize(0, -1, pending, false, workers));

        [Theory]
        [InlineData(0.001, 20)]
        [InlineData(0.0000001, ChunkScheduler.MaxChunkSize)]
        [InlineData(1.0, 1)]
        public void MeasuredItemsMakeChunksOfAboutTwentyMilliseconds(double secondsPerItem, int expected) =>
            Assert.Equal(expected, ChunkScheduler.ChunkSize(0, secondsPerItem, 1_000_000, false, 2));

        [Fact]
        public void AtTheEndOfKnownInputChunksShrinkToKeepWorkersBalanced() =>
            Assert.Equal(10, ChunkScheduler.ChunkSize(0, 0.0001, 80, true, 2));

        [Theory]
        [InlineData(100, 334)]
        [InlineData(20000, 625)]
        [InlineData(10000000, ChunkScheduler.MaxChunkSize)]
        public void AtTheEndOfAMapOfShortItemsAChunkStillHoldsAboutAMillisecondOfWork(int pending, int expected) =>
            Assert.Equal(expected, ChunkScheduler.ChunkSize(0, 0.000003, pending, true, 8));

        [Fact]
        public void ASecondChunkWaitsOnAWorkerWhenChunksAreShortOrWorkIsPlentiful()
        {
            Assert.True(ChunkScheduler.Prefetch(0, 0.0001, 0, true, 2));
            Assert.True(ChunkScheduler.Prefetch(0, 1.0, 4, false, 2));
            Assert.False(ChunkScheduler.Prefetch(0, 1.0, 1, true, 2));
            Assert.False(ChunkScheduler.Prefetch(0, -1, 1, false, 2));
        }
    }
}
