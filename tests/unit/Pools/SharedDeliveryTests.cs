using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Shared;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>
    /// What a worker the pool ends does to the shared objects it was using, against fake workers:
    /// its parked calls are withdrawn before the user hears of the end, items it was sent and never
    /// acknowledged go back to the queue, and it reaches only objects it was sent.
    /// </summary>
    [Collection("SharedWarnings")]
    public class SharedDeliveryTests
    {
        private static ProcessQueue NewQueue() => (ProcessQueue)SharedTable.Add(new QueueState(0));

        private static List<string> Warnings()
        {
            var warnings = new List<string>();
            SharedWarnings.Drain(warnings.Add);
            return warnings;
        }

        [Fact]
        public void AnItemTimeoutWithdrawsTheWorkersParkedGetBeforeTheErrorIsReported()
        {
            ProcessQueue queue = NewQueue();

            // The killed worker's channel stays open until the test is done: a process that is slow
            // to die. The parked Get must be gone all the same by the time the timeout error is seen.
            using (var death = new ManualResetEventSlim())
            {
                var transport = new FakeTransport(item => new FakeOutcome { CallObject = queue.Id, CallOp = SharedOp.Get, Park = true, Hang = true })
                {
                    DeathGate = death,
                };
                try
                {
                    using (var harness = new MapHarness(transport, workers: 1))
                    {
                        harness.Map(new object[] { queue }, timeoutSeconds: 1);
                        Assert.Single(harness.Errors);
                        Assert.StartsWith("OperationTimeout", harness.Errors[0].FullyQualifiedErrorId);

                        queue.Put("after");
                        Assert.Equal("after", queue.Get(0));
                        death.Set();
                    }
                }
                finally
                {
                    death.Set();
                }
            }
        }

        [Fact]
        public void ItemsSentToAWorkerThatDiesUnacknowledgedGoBackToTheHeadOfTheQueueInOrder()
        {
            ProcessQueue queue = NewQueue();
            foreach (string item in new[] { "a", "b", "c" })
            {
                queue.Put(item);
            }

            Warnings();
            var transport = new FakeTransport(item => new FakeOutcome { CallObject = queue.Id, CallOp = SharedOp.Get, Calls = 2, Crash = true });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(new object[] { queue });
                Assert.Single(harness.Errors);
            }

            Assert.Equal(3, queue.Count);
            Assert.Equal(new object[] { "a", "b", "c" }, new[] { queue.Get(0), queue.Get(0), queue.Get(0) });
            Assert.Contains(Warnings(), w => w.StartsWith($"Queue {queue.Id}: 2 item(s) sent to worker process", StringComparison.Ordinal));
        }

        [Fact]
        public void AnItemTheWorkersCodeAcknowledgedIsNotReturned()
        {
            ProcessQueue queue = NewQueue();
            queue.Put("a");
            queue.Put("b");
            var transport = new FakeTransport(item => new FakeOutcome { CallObject = queue.Id, CallOp = SharedOp.Get, Acknowledge = true, Crash = true });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(new object[] { queue });
                Assert.Single(harness.Errors);
            }

            Assert.Equal(1, queue.Count);
            Assert.Equal("b", queue.Get(0));
        }

        [Fact]
        public void AWorkerCannotReachAnObjectItWasNotSent()
        {
            ProcessQueue sent = NewQueue();
            var secret = (ProcessValue)SharedTable.Add(new ValueState("secret"));
            Warnings();
            var transport = new FakeTransport(item => item is long id
                ? new FakeOutcome { CallObject = id, CallOp = SharedOp.GetValue }
                : FakeOutcome.Of("sent"));
            using (var harness = new MapHarness(transport, workers: 1))
            {
                // The worker is sent one queue, and the other object's id only as a number.
                harness.Map(new object[] { sent, secret.Id });
                Assert.Empty(harness.Errors);
                Assert.Equal("sent", harness.Output[0]);
                Assert.StartsWith("Failed: This worker was not given shared object", Assert.IsType<string>(harness.Output[1]), StringComparison.Ordinal);
            }

            Assert.Contains(Warnings(), w => w.Contains($"named shared object {secret.Id}, which the session never sent it"));
        }

        [Fact]
        public void SharedObjectIdsAreNotSequential()
        {
            long[] ids = Enumerable.Range(0, 8).Select(_ => NewQueue().Id).ToArray();
            Assert.True(ids.Zip(ids.Skip(1), (a, b) => b - a).Any(d => d != 1), string.Join(", ", ids));
            Assert.All(ids, id => Assert.True(id > 0));
        }
    }
}
