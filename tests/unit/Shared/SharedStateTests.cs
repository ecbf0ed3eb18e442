using System;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Shared;
using Xunit;

namespace ProcCmdlets.Tests.Shared
{
    /// <summary>The session-side logic of shared objects, without processes: calls from pretend peers and threads.</summary>
    public class SharedStateTests
    {
        private static readonly SharedPeer Alice = new SharedPeer("worker process 1");
        private static readonly SharedPeer Bob = new SharedPeer("worker process 2");

        private sealed class Probe : SharedRequest
        {
            public Probe(SharedPeer peer, long thread, SharedOp op, TimeSpan? timeout, params object[] args)
                : base(new SharedCaller(peer, thread), op, args, timeout)
            {
            }

            public SharedResult? Result { get; private set; }

            /// <summary>Stands for a worker the session has decided to end.</summary>
            public bool Ending { get; set; }

            /// <summary>Stands for a call sent without a call id.</summary>
            public bool WithoutId { get; set; }

            internal override bool CallerEnding => Ending;

            internal override bool Posted => WithoutId;

            public ManualResetEventSlim Done { get; } = new ManualResetEventSlim();

            protected override void Deliver(SharedResult result)
            {
                Result = result;
                Done.Set();
            }
        }

        private static Probe Call(SharedState state, SharedOp op, SharedPeer? peer = null, long thread = 1, TimeSpan? timeout = null, params object[] args)
        {
            var probe = new Probe(peer ?? Alice, thread, op, timeout, args);
            state.Invoke(probe);
            return probe;
        }

        private static object? Value(Probe probe)
        {
            Assert.True(probe.Result.HasValue, $"{probe.Op} has not finished");
            SharedResult result = probe.Result.Value;
            Assert.Equal(SharedStatus.Ok, result.Status);
            return result.Value;

        }

        private static SharedStatus StatusOf(Probe probe)
        {
            Assert.True(probe.Result.HasValue, $"{probe.Op} has not finished");
            return probe.Result.Value.Status;
        }


        [Fact]
        public void AQueueHandsAPutToAWaitingGetAndKeepsOrder()
        {
            var queue = new QueueState(0);
            Probe waiting = Call(queue, SharedOp.Get);
            Assert.Null(waiting.Result);
            Call(queue, SharedOp.Put, args: "first");
            Assert.Equal("first", Value(waiting));
            Call(queue, SharedOp.Put, args: 1);
            Call(queue, SharedOp.Put, args: 2);
            Assert.Equal(2, Value(Call(queue, SharedOp.Count)));
            Assert.Equal(1, Value(Call(queue, SharedOp.Get)));
            Assert.Equal(2, Value(Call(queue, SharedOp.Get)));
        }

        [Fact]
        public void ABoundedQueueParksAPutUntilAGetMakesRoom()
        {
            var queue = new QueueState(1);
            Call(queue, SharedOp.Put, args: "a");
            Probe blocked = Call(queue, SharedOp.Put, args: "b");
            Assert.Null(blocked.Result);
            Assert.Equal("a", Value(Call(queue, SharedOp.Get)));
            Value(blocked);
            Assert.Equal("b", Value(Call(queue, SharedOp.Get)));
        }

        [Fact]
        public void TimeoutsEndParkedCalls()
        {
            var queue = new QueueState(0);
            Probe get = Call(queue, SharedOp.Get, timeout: TimeSpan.FromMilliseconds(50));
            Assert.True(get.Done.Wait(TimeSpan.FromSeconds(10)));
            Assert.Equal(SharedStatus.TimedOut, StatusOf(get));
            Assert.Equal(SharedStatus.TimedOut, StatusOf(Call(queue, SharedOp.Get, timeout: TimeSpan.Zero)));

            Call(queue, SharedOp.Put, args: 1);
            Probe join = Call(queue, SharedOp.Join, timeout: TimeSpan.FromMilliseconds(50));
            Assert.True(join.Done.Wait(TimeSpan.FromSeconds(10)));
            Assert.Equal(false, Value(join));
        }

        [Fact]
        public void JoinWaitsForEveryTaskDone()
        {
            var queue = new QueueState(0);
            Call(queue, SharedOp.Put, args: 1);
            Call(queue, SharedOp.Put, args: 2);
            Probe join = Call(queue, SharedOp.Join);
            Call(queue, SharedOp.Get);
            Call(queue, SharedOp.TaskDone);
            Assert.Null(join.Result);
            Call(queue, SharedOp.Get);
            Call(queue, SharedOp.TaskDone);
            Assert.Equal(true, Value(join));
            Assert.Equal(SharedStatus.Invalid, StatusOf(Call(queue, SharedOp.TaskDone)));
        }

        [Fact]
        public void ACloseFailsWaitersAndLaterPutsButLeavesItems()
        {
            var queue = new QueueState(0);
            Probe waiting = Call(queue, SharedOp.Get);
            Call(queue, SharedOp.Close);
            Assert.Equal(SharedStatus.Invalid, StatusOf(waiting));

            var other = new QueueState(0);
            Call(other, SharedOp.Put, args: "left");
            Call(other, SharedOp.Close);
            Assert.Equal(SharedStatus.Invalid, StatusOf(Call(other, SharedOp.Put, args: "late")));
            Assert.Equal("left", Value(Call(other, SharedOp.Get)));
            Assert.Equal(SharedStatus.Invalid, StatusOf(Call(other, SharedOp.Get)));
        }

        [Fact]
        public void AWithdrawnGetTakesNoItem()
        {
            var queue = new QueueState(0);
            Probe get = Call(queue, SharedOp.Get, Bob);
            Assert.True(queue.Withdraw(get));
            Assert.Equal(SharedStatus.Cancelled, StatusOf(get));
            Call(queue, SharedOp.Put, args: "kept");
            Assert.Equal("kept", Value(Call(queue, SharedOp.Get)));
        }

        [Fact]
        public void OnlyTheHoldingThreadReleasesALock()
        {
            var gate = new LockState();
            Assert.Equal(true, Value(Call(gate, SharedOp.Acquire, Alice, 1)));
            Assert.Equal(SharedStatus.Invalid, StatusOf(Call(gate, SharedOp.Release, Alice, 2)));
            Assert.Equal(SharedStatus.Invalid, StatusOf(Call(gate, SharedOp.Release, Bob, 1)));
            Probe next = Call(gate, SharedOp.Acquire, Bob, 1);
            Assert.Null(next.Result);
            Value(Call(gate, SharedOp.Release, Alice, 1));
            Assert.Equal(true, Value(next));
            Assert.Equal(Bob, Assert.NotNull(gate.Holder).Peer);
        }

        [Fact]
        public void ALockHeldByAnEndedPeerGoesToTheNextWaiterWithAWarning()
        {
            var gate = new LockState();
            Call(gate, SharedOp.Acquire, Bob, 7);
            Probe waiting = Call(gate, SharedOp.Acquire, Alice, 1);
            Assert.Empty(gate.ReleaseHeldBy(Alice));
            string warning = Assert.Single(gate.ReleaseHeldBy(Bob));
            Assert.Contains("worker process 2", warning);
            Assert.Equal(true, Value(waiting));
            Assert.Equal(Alice, Assert.NotNull(gate.Holder).Peer);
        }

        [Fact]
        public void AWorkersLeaseIsRevokedWhenAnotherCallerWaitsAndAfterAGrantToOneOthersWaitFor()
        {
            var revoked = new System.Collections.Generic.List<string>();
            var carol = new SharedPeer("worker process 3") { Revoke = id => revoked.Add("carol") };
            var dave = new SharedPeer("worker process 4") { Revoke = id => revoked.Add("dave") };
            var gate = new LockState();
            Assert.Equal(true, Value(Call(gate, SharedOp.Acquire, carol, 5)));
            Assert.Empty(revoked);
            Probe daveWaits = Call(gate, SharedOp.Acquire, dave, 6);
            Probe aliceWaits = Call(gate, SharedOp.Acquire, Alice, 1);
            Assert.Equal(new[] { "carol" }, revoked);
            Value(Call(gate, SharedOp.Release, carol, 5));
            Assert.Equal(true, Value(daveWaits));
            Assert.Equal(new[] { "carol", "dave" }, revoked);
            Value(Call(gate, SharedOp.Release, dave, 6));
            Assert.Equal(true, Value(aliceWaits));
            Assert.Equal(2, revoked.Count);
        }

        [Fact]
        public void ASemaphoreGivesBackWhatAnEndedPeerHeld()
        {
            var semaphore = new SemaphoreState(2);
            Call(semaphore, SharedOp.Acquire, Bob);
            Call(semaphore, SharedOp.Acquire, Bob);
            Probe waiting = Call(semaphore, SharedOp.Acquire, Alice);
            Assert.Null(waiting.Result);
            Assert.Single(semaphore.ReleaseHeldBy(Bob));
            Assert.Equal(true, Value(waiting));
            Assert.Equal(true, Value(Call(semaphore, SharedOp.Acquire, Alice)));
            Assert.Equal(false, Value(Call(semaphore, SharedOp.Acquire, Alice, timeout: TimeSpan.Zero)));
        }

        [Fact]
        public void ASemaphoreUsedAsASignalHasNothingToGiveBackWhenItsAcquirerEnds()
        {
            // Released by one process and acquired by another above its initial count: the acquirer
            // took signals, not slots, and its end must not make more.
            var semaphore = new SemaphoreState(0);
            Call(semaphore, SharedOp.Release, Bob);
            Call(semaphore, SharedOp.Release, Bob);
            Assert.Equal(true, Value(Call(semaphore, SharedOp.Acquire, Alice, timeout: TimeSpan.Zero)));
            Assert.Equal(true, Value(Call(semaphore, SharedOp.Acquire, Alice, timeout: TimeSpan.Zero)));
            Assert.Empty(semaphore.ReleaseHeldBy(Alice));
            Assert.Equal(false, Value(Call(semaphore, SharedOp.Acquire, Bob, timeout: TimeSpan.Zero)));
        }

        [Fact]
        public void AReleaseByAProcessThatHoldsNoSlotCountsAgainstAHolder()
        {
            var semaphore = new SemaphoreState(1);
            Assert.Equal(true, Value(Call(semaphore, SharedOp.Acquire, Alice)));
            Probe waiting = Call(semaphore, SharedOp.Acquire, Bob);
            Assert.Null(waiting.Result);

            // The session releases Alice's slot for her: Bob has it, and Alice holds nothing now.
            Call(semaphore, SharedOp.Release, SharedPeer.Session);
            Assert.Equal(true, Value(waiting));
            Assert.Empty(semaphore.ReleaseHeldBy(Alice));
            Assert.Equal(false, Value(Call(semaphore, SharedOp.Acquire, SharedPeer.Session, timeout: TimeSpan.Zero)));
            Assert.Single(semaphore.ReleaseHeldBy(Bob));
            Assert.Equal(true, Value(Call(semaphore, SharedOp.Acquire, SharedPeer.Session, timeout: TimeSpan.Zero)));
        }

        [Fact]
        public void ACallOfAWorkerBeingEndedDoesNotWaitSoNothingIsHandedToIt()
        {
            var queue = new QueueState(0);
            var get = new Probe(Alice, 1, SharedOp.Get, null) { Ending = true };
            queue.Invoke(get);
            Assert.Equal(SharedStatus.Cancelled, StatusOf(get));

            Call(queue, SharedOp.Put, Bob, args: "kept");
            Assert.Equal("kept", Value(Call(queue, SharedOp.Get, Bob, timeout: TimeSpan.Zero)));
        }

        [Fact]
        public void ACallWithoutACallIdMayNotWait()
        {
            var gate = new LockState();
            Assert.Equal(true, Value(Call(gate, SharedOp.Acquire, Bob)));
            var acquire = new Probe(Alice, 1, SharedOp.Acquire, null) { WithoutId = true };
            gate.Invoke(acquire);
            Assert.Equal(SharedStatus.Failed, StatusOf(acquire));
        }

        [Fact]
        public void ABarrierReleasesEachRoundAndStartsTheNextEmpty()
        {
            var barrier = new BarrierState(2);
            Probe first = Call(barrier, SharedOp.Wait, Alice);
            Assert.Null(first.Result);
            Value(Call(barrier, SharedOp.Wait, Bob));
            Value(first);
            Assert.Equal(1, barrier.Generation);

            Probe second = Call(barrier, SharedOp.Wait, Alice);
            Assert.Null(second.Result);
            Assert.True(barrier.Withdraw(second));
            Probe third = Call(barrier, SharedOp.Wait, Bob);
            Assert.Null(third.Result);
            Value(Call(barrier, SharedOp.Wait, Alice));
            Value(third);
            Assert.Equal(2, barrier.Generation);
        }

        [Fact]
        public void AnEventReleasesAllWaiters()
        {
            var flag = new EventState();
            Probe a = Call(flag, SharedOp.Wait, Alice);
            Probe b = Call(flag, SharedOp.Wait, Bob);
            Call(flag, SharedOp.Set);
            Assert.Equal(true, Value(a));
            Assert.Equal(true, Value(b));
            Assert.Equal(true, Value(Call(flag, SharedOp.IsSet)));
        }

        [Fact]
        public void ValuesAddAndCompareExchange()
        {
            var value = new ValueState(null);
            Assert.Equal(3, Value(Call(value, SharedOp.Add, args: 3)));
            Assert.Equal(3.5, Value(Call(value, SharedOp.Add, args: 0.5)));
            Assert.Equal(3.5, Value(Call(value, SharedOp.CompareExchange, args: new object[] { "x", 1 })));
            Assert.Equal(3.5, Value(Call(value, SharedOp.CompareExchange, args: new object[] { "x", 3.5 })));
            Assert.Equal("x", Value(Call(value, SharedOp.GetValue)));
            Assert.Equal((long)int.MaxValue + 1, SharedArithmetic.Add(int.MaxValue, 1));
            Assert.Equal(SharedStatus.Failed, StatusOf(Call(value, SharedOp.Add, args: 1)));
        }

        [Fact]
        public void ADictionaryAddsFromZeroAndComparesKeysAsAHashtable()
        {
            var dictionary = new DictionaryState();
            Assert.Equal(2, Value(Call(dictionary, SharedOp.AddItem, args: new object[] { "Key", 2 })));
            Assert.Equal(5, Value(Call(dictionary, SharedOp.AddItem, args: new object[] { "KEY", 3 })));
            Assert.Null(Value(Call(dictionary, SharedOp.GetItem, args: "missing")));
            Assert.Equal(1, Value(Call(dictionary, SharedOp.Count)));
        }

        [Fact]
        public void CallsAndRepliesRoundTrip()
        {
            var w = new PayloadWriter();
            SharedCall.Write(w, 9, 4, SharedOp.Put, 12, 1500, new object[] { "item", 3 });
            SharedCall call = SharedCall.Read(new PayloadReader(w.ToArray()));
            Assert.Equal(9, call.CallId);
            Assert.Equal(4, call.ObjectId);
            Assert.Equal(SharedOp.Put, call.Op);
            Assert.Equal(12, call.Caller);
            Assert.Equal(1500, call.TimeoutMilliseconds);
            Assert.Equal(new object[] { "item", 3 }, call.Args);
            Assert.Equal(9, SharedCall.ReadCallId(new PayloadReader(w.ToArray())));

            w.Reset();
            SharedReply.Write(w, 9, SharedStatus.TimedOut, null, "late", 4);
            SharedReply reply = SharedReply.Read(new PayloadReader(w.ToArray()));
            Assert.Equal(SharedStatus.TimedOut, reply.Status);
            Assert.Equal("late", reply.Message);
            Assert.Equal(4, reply.ObjectId);
        }
    }
}
