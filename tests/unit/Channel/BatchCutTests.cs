using System;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>The frame writer's choice of how much of its queue to write next (<see cref="BatchCut.Decide"/>).</summary>
    public class BatchCutTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(20);

        [Fact]
        public void AQueueThatEndsWithAFrameOtherThanARecordIsWrittenWhole()
        {
            BatchCut cut = BatchCut.Decide(queued: 300, boundary: 300, flushAll: false, closed: false, held: TimeSpan.Zero, holdLimit: Limit);

            Assert.Equal(300, cut.Length);
        }

        [Fact]
        public void RecordsAfterTheLastItemEndStayQueuedWhileWhatPrecedesThemIsWritten()
        {
            BatchCut cut = BatchCut.Decide(queued: 300, boundary: 120, flushAll: false, closed: false, held: TimeSpan.FromSeconds(5), holdLimit: Limit);

            Assert.Equal(120, cut.Length);
        }

        [Fact]
        public void RecordsOfAnItemStillRunningWaitForWhatIsLeftOfTheHoldLimit()
        {
            BatchCut cut = BatchCut.Decide(queued: 300, boundary: 0, flushAll: false, closed: false, held: TimeSpan.FromMilliseconds(5), holdLimit: Limit);

            Assert.Equal(0, cut.Length);
            Assert.Equal(TimeSpan.FromMilliseconds(15), cut.Wait);
        }

        [Theory]
        [InlineData(20)]
        [InlineData(500)]
        public void RecordsHeldForTheHoldLimitAreWrittenWithoutTheirItemsEnd(int heldMilliseconds)
        {
            BatchCut cut = BatchCut.Decide(queued: 300, boundary: 0, flushAll: false, closed: false, held: TimeSpan.FromMilliseconds(heldMilliseconds), holdLimit: Limit);

            Assert.Equal(300, cut.Length);
        }

        [Theory]
        [InlineData(true, false, 0)]
        [InlineData(true, false, 120)]
        [InlineData(false, true, 0)]
        [InlineData(false, true, 120)]
        public void AFlushOrACloseWritesEverythingQueuedAtOnce(bool flushAll, bool closed, int boundary)
        {
            BatchCut cut = BatchCut.Decide(queued: 300, boundary: boundary, flushAll: flushAll, closed: closed, held: TimeSpan.Zero, holdLimit: Limit);

            Assert.Equal(300, cut.Length);
        }
    }
}
