using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Pools;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    /// <summary>The pool's logic (ordering, crash blame, timeouts, retirement) against fake workers: no processes.</summary>
    public class WorkerPoolTests
    {
        private static List<object?> Squares(IEnumerable<int> items) => items.Select(i => (object?)(i * i)).ToList();

        [Fact]
        public void ResultsComeInInputOrderAcrossWorkersOfUnevenSpeed()
        {
            var transport = new FakeTransport(item => new FakeOutcome { Output = (int)item! * (int)item!, DelayMilliseconds = (int)item! % 7 == 0 ? 3 : 0 });
            using (var harness = new MapHarness(transport, workers: 3))
            {
                harness.Map(Enumerable.Range(1, 300).Cast<object>());
                Assert.Equal(Squares(Enumerable.Range(1, 300)), harness.Output);
                Assert.Empty(harness.Errors);
                Assert.True(transport.Started.Count(w => w.Ran.Count > 0) >= 2, "the work should be spread over the workers");
                Assert.Equal(300, harness.Pool.TasksCompleted);
            }
        }

        [Fact]
        public void UnorderedGivesEveryResultExactlyOnce()
        {
            var transport = new FakeTransport(item => new FakeOutcome { Output = item, DelayMilliseconds = (int)item! % 5 == 0 ? 2 : 0 });
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 200).Cast<object>(), unordered: true);
                Assert.Equal(Enumerable.Range(1, 200).Cast<object>(), harness.Output.OrderBy(o => (int)o!));
            }
        }

        [Fact]
        public void AFixedChunkSizeIsWhatEachWorkerGetsAtATime()
        {
            var transport = new FakeTransport(FakeOutcome.Of);
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Map(Enumerable.Range(1, 40).Cast<object>(), chunkSize: 8);
                Assert.Equal(5, transport.Started.Single().Chunks);
            }
        }

        [Fact]
        public void AWorkerThatDiesBlamesOnlyTheItemItWasRunningAndIsReplaced()
        {
            int crashes = 0;
            var transport = new FakeTransport(item => (int)item! == 37 && Interlocked.Exchange(ref crashes, 1) == 0
                ? new FakeOutcome { Crash = true }
                : FakeOutcome.Of((int)item! * (int)item!));
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 100).Cast<object>());

                ErrorRecordAssert.Single(harness.Errors, "WorkerCrashed", 37);
                Assert.Equal(Squares(Enumerable.Range(1, 100).Where(i => i != 37)), harness.Output);
                // The replacement starts once the dead worker's exit has been handled, which may be after the map.
                Assert.True(SpinWait.SpinUntil(() => transport.Started.Count == 3 && harness.Pool.WorkerProcessIds.Length == 2, TimeSpan.FromSeconds(10)));
            }
        }

        [Fact]
        public void AnItemPastItsTimeoutIsAnErrorAndItsWorkerIsReplaced()
        {
            int hangs = 0;
            var transport = new FakeTransport(item => (int)item! == 5 && Interlocked.Exchange(ref hangs, 1) == 0
                ? new FakeOutcome { Hang = true }
                : FakeOutcome.Of(item));
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 30).Cast<object>(), timeoutSeconds: 3);

                ErrorRecordAssert.Single(harness.Errors, "OperationTimeout", 5);
                Assert.Equal(Enumerable.Range(1, 30).Where(i => i != 5).Cast<object>(), harness.Output);
                Assert.Single(transport.Started, w => w.ExitCode == 137);
                Assert.True(SpinWait.SpinUntil(() => transport.Started.Count == 3, TimeSpan.FromSeconds(10)));
            }
        }

        [Fact]
        public void AnItemEndingAsItsTimeoutPassesIsNeverBlamedOnTheNextItem()
        {
            // Items 1 and 2 in one chunk; item 1 ends just as it passes its timeout. A timeout check
            // made while the reader thread is handling that end may time out item 1 (not yet ended
            // for the pool) or find item 2 newly due, never item 2 due since item 1 began. The pool's
            // clock holds the reader at its step of the race and makes the check's "now" late.
            Thread test = Thread.CurrentThread;
            var readerHeld = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            int armed = 1;
            int lateChecks = 0;
            var transport = new FakeTransport(FakeOutcome.Of);
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Pool.Clock = () =>
                {
                    if (Thread.CurrentThread != test)
                    {
                        if (Interlocked.Exchange(ref armed, 0) == 1)
                        {
                            readerHeld.Set();
                            // A safety net only: the test thread releases it on its next check.
                            release.Wait(TimeSpan.FromSeconds(30));
                        }

                        return DateTime.UtcNow;
                    }

                    if (readerHeld.IsSet && Interlocked.Increment(ref lateChecks) == 1)
                    {
                        return DateTime.UtcNow.AddSeconds(5);
                    }

                    if (readerHeld.IsSet)
                    {
                        release.Set();
                    }

                    return DateTime.UtcNow;
                };
                harness.Map(new object[] { 1, 2 }, chunkSize: 2, timeoutSeconds: 2);

                Assert.True(lateChecks >= 1, "the late check should have run while the reader was held");
                Assert.DoesNotContain(harness.Errors, e => Equals(e.TargetObject, 2));
                Assert.Contains(2, harness.Output);
            }
        }

        [Fact]
        public void AWorkerKilledForATimeoutThatHadMovedOnHasItsNextItemRunAgainNotBlamed()
        {
            // The session reads a worker's frames late (a busy machine): the pool times out item 1,
            // whose end is still unread, while the worker has finished its chunk and begun item 3 of
            // the next. The kill is the pool's own: item 3 runs again on the replacement instead of
            // being blamed as a crash (WorkerCrashed).
            Thread test = Thread.CurrentThread;
            var readerHeld = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var workerOnThree = new ManualResetEventSlim();
            int armed = 1;
            int lateChecks = 0;
            int threes = 0;
            var transport = new FakeTransport(item =>
            {
                if ((int)item! == 3 && Interlocked.Increment(ref threes) == 1)
                {
                    workerOnThree.Set();
                    return new FakeOutcome { Hang = true };
                }

                return FakeOutcome.Of(item);
            });
            using (var harness = new MapHarness(transport, workers: 1))
            {
                harness.Pool.Clock = () =>
                {
                    if (Thread.CurrentThread != test)
                    {
                        if (Interlocked.Exchange(ref armed, 0) == 1)
                        {
                            readerHeld.Set();
                            release.Wait(TimeSpan.FromSeconds(30));
                        }

                        return DateTime.UtcNow;
                    }

                    if (readerHeld.IsSet && Interlocked.Increment(ref lateChecks) == 1)
                    {
                        // Every frame up to item 3's start is written, none of them read past item 1's end.
                        Assert.True(workerOnThree.Wait(TimeSpan.FromSeconds(30)));
                        return DateTime.UtcNow.AddSeconds(5);
                    }

                    if (readerHeld.IsSet)
                    {
                        release.Set();
                    }

                    return DateTime.UtcNow;
                };
                harness.Map(new object[] { 1, 2, 3 }, chunkSize: 2, timeoutSeconds: 2);

                ErrorRecordAssert.Single(harness.Errors, "OperationTimeout", 1);
                Assert.Equal(new object[] { 1, 2, 3 }, harness.Output);
                Assert.Equal(2, threes);
            }
        }

        [Fact]
        public void AWorkerThatStopsAnsweringBeforeItStartsItsChunkIsTimedOutToo()
        {
            // As a worker under SIGSTOP: its chunk never starts, so the timeout counts from when it was sent.
            // 3 s, not 1: on a busy machine a healthy item may take over a second, and only the frozen one may time out.
            var transport = new FakeTransport(FakeOutcome.Of, freezes: n => n == 1);
            using (var harness = new MapHarness(transport, workers: 2))
            {
                harness.Map(Enumerable.Range(1, 60).Cast<object>(), timeoutSeconds: 3, limitSeconds: 30);

                Assert.All(harness.Errors, e => Assert.Equal("OperationTimeout", e.FullyQualifiedErrorId));
                Assert.True(harness.Errors.Count <= 1, "only the item due on the frozen worker may time out");
                Assert.Equal(60, harness.Output.Count + harness.Errors.Count);
                Assert.Equal(137, transport.Started.First().ExitCode);
            }
        }

        [Fact]
        public void AMapsEndWaitsForTheConsolesOfItsOwnWorkersOnlyNotForWorkersStillStarting()
        {
            // The second worker stays as a process still starting: it answers nothing until the gate opens.
            using (var gate = new ManualResetEventSlim())
            {
                var transport = new FakeTransport(FakeOutcome.Of) { StartGate = gate, GatedFrom = 2 };
                using (var harness = new MapHarness(transport, workers: 2))
                {
                    harness.Map(new object[] { 1 });
                    Assert.Equal(new object[] { 1 }, harness.Output);

                    // A worker that ran none of the map's chunks cannot have written its console text.
                    Assert.True(harness.Pool.SyncConsole(harness.LastResult!, TimeSpan.FromSeconds(60), CancellationToken.None));
                    FakeWorker first = transport.Started.First();
                    Assert.Contains(FrameKind.ConsoleSync, first.Received);

                    gate.Set();
                    FakeWorker second = transport.Started.Last();
                    Assert.NotSame(first, second);
                    harness.Map(Enumerable.Range(1, 200).Cast<object>(), chunkSize: 1);
                    Assert.DoesNotContain(FrameKind.ConsoleSync, second.Received);
                }
            }
        }

        [Fact]
        public void WorkersAreReplacedAfterMaxTasksPerWorkerItems()
        {
            var transport = new FakeTransport(FakeOutcome.Of);
            using (var harness = new MapHarness(transport, workers: 1, maxTasksPerWorker: 10))
            {
                harness.Map(Enumerable.Range(1, 50).Cast<object>());

                Assert.Equal(Enumerable.Range(1, 50).Cast<object>(), harness.Output);
                Assert.All(transport.Started, w => Assert.True(w.Ran.Count <= 10, $"a worker ran {w.Ran.Count} items"));
                Assert.True(transport.Started.Count >= 5);
            }
        }

        [Fact]
        public void AMapOnATerminatedPoolIsRefused()
        {
            var harness = new MapHarness(new FakeTransport(FakeOutcome.Of), workers: 1);
            harness.Dispose();
            Assert.Equal(PoolState.Terminated, harness.Pool.State);
            Assert.Throws<InvalidOperationException>(() => harness.Map(new object[] { 1 }));
        }

        [Fact]
        public void ClosingWaitsForQueuedWorkThenTheWorkersExit()
        {
            var transport = new FakeTransport(FakeOutcome.Of);
            var harness = new MapHarness(transport, workers: 2);
            harness.Map(Enumerable.Range(1, 20).Cast<object>());
            harness.Pool.Close(CancellationToken.None);
            Assert.Equal(PoolState.Closed, harness.Pool.State);
            Assert.All(transport.Started, w => Assert.True(w.WaitForExit(TimeSpan.FromSeconds(5))));
        }
    }
}
