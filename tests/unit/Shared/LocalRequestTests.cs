using System;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Shared;
using Xunit;

namespace ProcCmdlets.Tests.Shared
{
    /// <summary>
    /// Calls the session's own threads wait for: they time themselves (no timer) and are handed their
    /// result outside the object's gate, and neither may lose or duplicate an item.
    /// </summary>
    public class LocalRequestTests
    {
        private static SharedResult Run(SharedState state, SharedOp op, TimeSpan? timeout, params object?[] args)
        {
            var request = new LocalRequest(op, args, timeout);
            state.Invoke(request);
            return request.WaitResult();
        }

        [Fact]
        public void AGetThatTimesOutLeavesNoWaiterBehindToTakeALaterItem()
        {
            var queue = new QueueState(0);
            SharedResult timedOut = Run(queue, SharedOp.Get, TimeSpan.FromMilliseconds(50));
            Assert.Equal(SharedStatus.TimedOut, timedOut.Status);

            Run(queue, SharedOp.Put, null, 7);
            SharedResult got = Run(queue, SharedOp.Get, TimeSpan.Zero);
            Assert.Equal(SharedStatus.Ok, got.Status);
            Assert.Equal(7, got.Value);
        }

        [Fact]
        public async Task AParkedGetIsHandedAnItemPutByAnotherThread()
        {
            var queue = new QueueState(0);
            var request = new LocalRequest(SharedOp.Get, Array.Empty<object?>(), TimeSpan.FromSeconds(60));
            queue.Invoke(request);
            Assert.False(request.IsFinished);

            await Task.Run(() => Run(queue, SharedOp.Put, null, "item"));
            SharedResult result = request.WaitResult();
            Assert.Equal(SharedStatus.Ok, result.Status);
            Assert.Equal("item", result.Value);
            Assert.Equal(0, Run(queue, SharedOp.Count, null).Value);
        }

        [Fact]
        public async Task GetsWithTimeoutsRacingPutsLoseAndDuplicateNothing()
        {
            // Short timeouts that expire while puts arrive: every item is got exactly once, or is still queued.
            var queue = new QueueState(0);
            const int items = 20000;
            var got = new int[items];
            var getters = new Task[2];
            int taken = 0;
            for (int g = 0; g < getters.Length; g++)
            {
                getters[g] = Task.Run(() =>
                {
                    while (Volatile.Read(ref taken) < items)
                    {
                        SharedResult result = Run(queue, SharedOp.Get, TimeSpan.FromMilliseconds(1));
                        if (result.Status == SharedStatus.Ok)
                        {
                            Interlocked.Increment(ref got[(int)result.Value!]);
                            Interlocked.Increment(ref taken);
                        }
                    }
                });
            }

            for (int i = 0; i < items; i++)
            {
                Run(queue, SharedOp.Put, null, i);
                if (i % 1000 == 0)
                {
                    Thread.Sleep(2);
                }
            }

            await Task.WhenAll(getters).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.All(got, count => Assert.Equal(1, count));
        }
    }
}
