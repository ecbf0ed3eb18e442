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
    /// acknowledged go back to the queue, lock and semaphore grants it held or had on their way are
    /// released once its channel has ended and its process has exited (not before), and it reaches
    /// only objects it was sent.
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
        public void AnItemAWorkerGivesBackReturnsToTheHeadOfTheQueueAtOnceWithAWarning()
        {
            // A worker whose pipeline was stopping when the item came gives it back; the worker lives on.
            ProcessQueue queue = NewQueue();
            queue.Put("a");
            queue.Put("b");
            Warnings();
            var transport = new FakeTransport(item => new FakeOutcome { CallObject = queue.Id, CallOp = SharedOp.Get, GiveBack = true });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(new object[] { queue });
                Assert.Empty(harness.Errors);
                Assert.Equal(2, queue.Count);
                Assert.Equal("a", queue.Get(0));
                Assert.Contains(Warnings(), w => w.StartsWith($"Queue {queue.Id}: an item sent to ", StringComparison.Ordinal) && w.Contains("being stopped"));
            }
        }

        [Fact]
        public void ALockGrantedToAWorkerThatDiesBeforeReadingTheGrantIsReleased()
        {
            var gate = (ProcessLock)SharedTable.Add(new LockState());
            Warnings();

            // The worker asks, the session grants at once, and the worker ends before it reads the reply.
            var transport = new FakeTransport(item => new FakeOutcome { CallObject = gate.Id, CallOp = SharedOp.Acquire, Park = true, Crash = true });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(new object[] { gate });
                ErrorRecordAssert.Single(harness.Errors, "WorkerCrashed", gate);
            }

            Assert.True(gate.Acquire(0), "the lock granted to the dead worker should be free again");
            gate.Release();
            Assert.Contains(Warnings(), w => w.StartsWith($"Lock {gate.Id} was held by worker process", StringComparison.Ordinal));
        }

        [Fact]
        public void ASemaphoreSlotGrantedToAWorkerThatDiesBeforeReadingTheGrantIsGivenBack()
        {
            var slots = (ProcessSemaphore)SharedTable.Add(new SemaphoreState(2));
            Assert.True(slots.Acquire(0));
            Warnings();
            var transport = new FakeTransport(item => new FakeOutcome { CallObject = slots.Id, CallOp = SharedOp.Acquire, Park = true, Crash = true });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(new object[] { slots });
                ErrorRecordAssert.Single(harness.Errors, "WorkerCrashed", slots);
            }

            Assert.True(slots.Acquire(0), "the slot granted to the dead worker should be free again");
            Assert.False(slots.Acquire(0), "the semaphore should have its count of 2, no more");
            slots.Release();
            slots.Release();
            Assert.Contains(Warnings(), w => w.StartsWith($"Semaphore {slots.Id}: 1 slot(s) held by worker process", StringComparison.Ordinal));
        }

        [Fact]
        public void AnItemTimeoutWithdrawsTheWorkersParkedAcquireSoALaterReleaseGoesToALiveCaller()
        {
            var gate = (ProcessLock)SharedTable.Add(new LockState());
            gate.Acquire();
            using (var death = new ManualResetEventSlim())
            {
                // A process slow to die: its channel stays open until the test is done.
                var transport = new FakeTransport(item => new FakeOutcome { CallObject = gate.Id, CallOp = SharedOp.Acquire, Park = true, Hang = true })
                {
                    DeathGate = death,
                };
                try
                {
                    using (var harness = new MapHarness(transport, workers: 1))
                    {
                        harness.Map(new object[] { gate }, timeoutSeconds: 1);
                        ErrorRecordAssert.Single(harness.Errors, "OperationTimeout", gate);

                        gate.Release();
                        Assert.True(gate.Acquire(0), "the release should not have gone to the ended worker's Acquire");
                        gate.Release();
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
        public void ALockHeldByAWorkerThePoolEndsStaysHeldUntilItsChannelEnds()
        {
            // The worker's code has the lock when its item times out. Until the process is gone it may
            // still be inside what the lock guards, so the lock is released at its channel's end, not
            // at the pool's decision to end it.
            var gate = (ProcessLock)SharedTable.Add(new LockState());
            Warnings();
            using (var death = new ManualResetEventSlim())
            {
                var transport = new FakeTransport(item => new FakeOutcome { CallObject = gate.Id, CallOp = SharedOp.Acquire, Hang = true })
                {
                    DeathGate = death,
                };
                try
                {
                    using (var harness = new MapHarness(transport, workers: 1))
                    {
                        harness.Map(new object[] { gate }, timeoutSeconds: 1);
                        ErrorRecordAssert.Single(harness.Errors, "OperationTimeout", gate);
                        Assert.False(gate.Acquire(0), "the dying worker still holds the lock");

                        death.Set();
                        Assert.True(gate.Acquire(30), "the lock should be released once the worker's channel ends");
                        gate.Release();
                    }
                }
                finally
                {
                    death.Set();
                }
            }

            Assert.Contains(Warnings(), w => w.StartsWith($"Lock {gate.Id} was held by worker process", StringComparison.Ordinal));
        }

        [Fact]
        public void ALockHeldByAWorkerWhoseChannelTheSessionStoppedReadingStaysHeldUntilItExits()
        {
            // A corrupt frame ends the session's reading of the channel at once, and the kill that
            // follows takes a moment to land: the lock stays with the worker until it has.
            var gate = (ProcessLock)SharedTable.Add(new LockState());
            Warnings();
            using (var death = new ManualResetEventSlim())
            {
                var transport = new FakeTransport(item => new FakeOutcome { CallObject = gate.Id, CallOp = SharedOp.Acquire, CorruptFrame = true })
                {
                    DeathGate = death,
                };
                try
                {
                    using (var harness = new MapHarness(transport, workers: 1))
                    {
                        Exception? failed = null;
                        var map = new Thread(() =>
                        {
                            try
                            {
                                harness.Map(new object[] { gate });
                            }
                            catch (Exception e)
                            {
                                failed = e;
                            }
                        }) { IsBackground = true };
                        map.Start();
                        Assert.True(SpinWait.SpinUntil(() => !transport.Started.IsEmpty, TimeSpan.FromSeconds(30)), "the pool started no worker");
                        transport.Started.TryPeek(out FakeWorker? worker);
                        Assert.True(worker!.KillRequested.Wait(TimeSpan.FromSeconds(30)), "the session never killed the worker that wrote a corrupt frame");
                        Assert.False(gate.Acquire(2), "the lock was released while its holder was still running");

                        death.Set();
                        Assert.True(map.Join(TimeSpan.FromSeconds(60)), "the map did not end after the worker exited");
                        Assert.Null(failed);
                        Assert.Single(harness.Errors);
                        Assert.True(gate.Acquire(30), "the lock should be released once the worker has exited");
                        gate.Release();
                    }
                }
                finally
                {
                    death.Set();
                }
            }

            Assert.Contains(Warnings(), w => w.StartsWith($"Lock {gate.Id} was held by worker process", StringComparison.Ordinal));
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
