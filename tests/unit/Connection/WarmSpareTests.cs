using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ProcCmdlets.Connection;
using ProcCmdlets.Tests.Pools;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Connection
{
    /// <summary>The warm spare: starting or ending it never holds up the starts it serves.</summary>
    public class WarmSpareTests
    {
        [Fact]
        public void ForgetAndReplenishDoNotWaitForASpareBeingStarted()
        {
            var transport = new GatedTransport();
            transport.ExitGate.Set();
            var spare = new WarmSpare(transport, TimeSpan.FromMilliseconds(1));
            try
            {
                spare.Replenish(true);
                Assert.True(transport.StartEntered.Wait(TimeSpan.FromSeconds(30)));

                // The spare's process is starting (the gate holds it there): a worker's start goes on meanwhile.
                Assert.True(Returns(() => spare.Forget(null), TimeSpan.FromSeconds(10)), "Forget waited for the spare's process to start");
                Assert.True(Returns(() => spare.Replenish(true), TimeSpan.FromSeconds(10)), "Replenish waited for the spare's process to start");

                // Clear ends the spare even when its start finishes after Clear was called.
                Thread clear = Begin(spare.Clear);
                transport.StartGate.Set();
                Assert.True(clear.Join(TimeSpan.FromSeconds(30)));
                FakeWorker started = transport.Started.First();
                Assert.True(started.WaitForExit(TimeSpan.FromSeconds(30)), "the spare started during Clear was kept");
            }
            finally
            {
                transport.StartGate.Set();
                transport.ExitGate.Set();
                spare.Clear();
            }
        }

        [Fact]
        public void ForgetDoesNotWaitForTheClearedSpareToExit()
        {
            var transport = new GatedTransport();
            transport.StartGate.Set();
            var spare = new WarmSpare(transport, TimeSpan.FromMilliseconds(1));
            try
            {
                spare.Replenish(true);
                Assert.True(transport.StartEntered.Wait(TimeSpan.FromSeconds(30)));

                // Clear waits (up to 5 s) for the spare to exit, which the gate delays.
                Thread clear = Begin(spare.Clear);
                Assert.True(transport.ExitAwaited.Wait(TimeSpan.FromSeconds(30)));
                Assert.True(Returns(() => spare.Forget(null), TimeSpan.FromSeconds(3)), "Forget waited for the cleared spare to exit");
                transport.ExitGate.Set();
                Assert.True(clear.Join(TimeSpan.FromSeconds(30)));
            }
            finally
            {
                transport.ExitGate.Set();
                spare.Clear();
            }
        }

        private static Thread Begin(Action action)
        {
            var thread = new Thread(() => action()) { IsBackground = true };
            thread.Start();
            return thread;
        }

        /// <summary>True when <paramref name="action"/> returns within <paramref name="limit"/>.</summary>
        private static bool Returns(Action action, TimeSpan limit) => Begin(action).Join(limit);

        /// <summary>Fake workers whose start waits at one gate and whose exit is seen only after another.</summary>
        private sealed class GatedTransport : IWorkerTransport
        {
            private readonly FakeTransport _inner = new FakeTransport(FakeOutcome.Of);

            public ManualResetEventSlim StartEntered { get; } = new ManualResetEventSlim();

            public ManualResetEventSlim StartGate { get; } = new ManualResetEventSlim();

            public ManualResetEventSlim ExitAwaited { get; } = new ManualResetEventSlim();

            public ManualResetEventSlim ExitGate { get; } = new ManualResetEventSlim();

            public IReadOnlyCollection<FakeWorker> Started => _inner.Started;

            public string Location => "gated";

            public WorkerLink Start(string? workingDirectory)
            {
                StartEntered.Set();
                StartGate.Wait();
                return new GatedLink((FakeWorker)_inner.Start(workingDirectory), this);
            }

            private sealed class GatedLink : WorkerLink
            {
                private readonly FakeWorker _worker;
                private readonly GatedTransport _transport;

                public GatedLink(FakeWorker worker, GatedTransport transport)
                {
                    _worker = worker;
                    _transport = transport;
                }

                public override int ProcessId => _worker.ProcessId;

                public override string Location => _worker.Location;

                public override Stream ToWorker => _worker.ToWorker;

                public override Stream FromWorker => _worker.FromWorker;

                public override TextReader Console => _worker.Console;

                public override int? ExitCode => _worker.ExitCode;

                public override void Kill() => _worker.Kill();

                public override bool WaitForExit(TimeSpan timeout)
                {
                    _transport.ExitAwaited.Set();
                    return _transport.ExitGate.Wait(timeout) && _worker.WaitForExit(timeout);
                }
            }
        }
    }
}
