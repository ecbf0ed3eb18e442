using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Pools;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    public class ItemQueueTests
    {
        private static readonly MapResult Result = new MapResult(new PoolTask(1, TaskMode.Inline, "$_", new(), null, PSLanguageMode.FullLanguage), 0, 0, false);

        private static void Add(ItemQueue queue, long first, int count)
        {
            for (long i = first; i < first + count; i++)
            {
                queue.Add(i, "item " + i, new[] { (byte)i });
            }
        }

        [Fact]
        public void ItemsLeaveInTheOrderTheyCameAcrossManyGrowths()
        {
            var queue = new ItemQueue();
            var taken = new List<long>();
            long next = 0;

            // Adds and takes interleaved, so the ring's front wraps around its end before each growth.
            for (int round = 1; round <= 12; round++)
            {
                Add(queue, next, round * 37);
                next += round * 37;
                Chunk chunk = queue.Take(round, Result, round * 23);
                taken.AddRange(chunk.Sequence);
                Assert.Equal(chunk.Sequence.Select(s => "item " + s), chunk.Items);
                Assert.Equal(chunk.Sequence.Select(s => (byte)s), chunk.Encoded.Select(e => e[0]));
            }

            taken.AddRange(queue.Take(99, Result, int.MaxValue).Sequence);
            Assert.Equal(Enumerable.Range(0, (int)next).Select(i => (long)i), taken);
            Assert.Equal(0, queue.Count);
        }

        [Fact]
        public void ARequeuedChunkGoesBackToTheFrontInItsOrder()
        {
            var queue = new ItemQueue();
            Add(queue, 0, 60);
            Chunk chunk = queue.Take(1, Result, 50);

            // The worker ran items 0 to 19; 20 to 49 come back before 50 to 59, growing the ring as they do.
            Add(queue, 60, 100);
            queue.Requeue(chunk, 20);
            Assert.Equal(140, queue.Count);
            Chunk again = queue.Take(2, Result, 140);
            Assert.Equal(Enumerable.Range(20, 140).Select(i => (long)i), again.Sequence);
        }

        [Fact]
        public void ClearLeavesNothingAndTheQueueWorksOn()
        {
            var queue = new ItemQueue();
            Add(queue, 0, 100);
            queue.Clear();
            Assert.Equal(0, queue.Count);
            Assert.Empty(queue.Take(1, Result, 10).Sequence);
            Add(queue, 5, 3);
            Assert.Equal(new long[] { 5, 6, 7 }, queue.Take(2, Result, 10).Sequence);
        }
    }
}
