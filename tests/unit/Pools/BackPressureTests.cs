using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Pools
{
    public class BackPressureTests
    {
        // A bound on threads of this process waking: generous on a loaded 2-core machine, and a
        // failing test still fails in seconds.
        private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);


        /// <summary>A stream whose writes wait until it is opened: the writer's queue fills meanwhile.</summary>
        private sealed class GateStream : MemoryStream
        {
            public ManualResetEventSlim Open { get; } = new ManualResetEventSlim();

            public override void Write(byte[] buffer, int offset, int count)
            {
                Open.Wait();
                base.Write(buffer, offset, count);
            }
        }

        [Fact]
        public async Task PausedRecordsWaitOnceTheQueueIsFullWhileOtherFramesPass()
        {
            var stream = new GateStream();
            using (var writer = new FrameWriter(stream))
            {
                writer.SetPaused(true);
                var record = new byte[64 << 10];
                int sent = 0;
                using var firstSent = new ManualResetEventSlim();
                var producer = Task.Run(() =>
                {
                    for (int i = 0; i < 16; i++)
                    {
                        writer.Send(FrameKind.Record, record, 0, record.Length);
                        Interlocked.Increment(ref sent);
                        firstSent.Set();
                    }
                });

                // The producer stops well short of 16 x 64 KB while paused (about 256 KB queued). It
                // has run once it has sent a record: a busy machine may start it late.
                Assert.True(firstSent.Wait(LongWait));
                Assert.NotSame(producer, await Task.WhenAny(producer, Task.Delay(TimeSpan.FromMilliseconds(500))));
                Assert.InRange(Volatile.Read(ref sent), 1, 8);

                // An item's end is never held back.
                var itemDone = Task.Run(() => writer.Send(FrameKind.ItemDone, new byte[8], 0, 8));
                await itemDone.WaitAsync(LongWait);

                writer.SetPaused(false);
                stream.Open.Set();
                await producer.WaitAsync(LongWait);
                Assert.Equal(16, sent);
            }
        }

        [Fact]
        public async Task UnpausedRecordsDoNotWaitBelowTheUsualBound()
        {
            var stream = new GateStream();
            using (var writer = new FrameWriter(stream))
            {
                var record = new byte[64 << 10];
                var producer = Task.Run(() =>
                {
                    for (int i = 0; i < 16; i++)
                    {
                        writer.Send(FrameKind.Record, record, 0, record.Length);
                    }
                });

                await producer.WaitAsync(LongWait);
                stream.Open.Set();
            }
        }

        /// <summary>A worker that has sent nothing and exited: enough for a flow to post its pause to.</summary>
        private sealed class SilentLink : WorkerLink
        {
            public override int ProcessId => 4343;

            public override string Location => "silent";

            public override Stream ToWorker { get; } = new MemoryStream();

            public override Stream FromWorker { get; } = new MemoryStream();

            public override TextReader Console { get; } = new StringReader(string.Empty);

            public override int? ExitCode => 0;

            public override void Kill()
            {
            }

            public override bool WaitForExit(TimeSpan timeout) => true;
        }

        [Fact]
        public async Task AWorkerThatIgnoresThePauseFindsItsReaderStoppedUntilThePipelineCatchesUp()
        {
            using (var client = new WorkerClient(new SilentLink()))
            {
                var flow = new RecordFlow(client);
                flow.Received(1 << 20);
                Assert.Null(flow.Throttle());

                // Past the hard limit, the reader is held until the pipeline thread catches up.
                flow.Received((int)RecordFlow.HardLimitBytes);
                Task? hold = flow.Throttle();
                Assert.NotNull(hold);
                Assert.False(hold!.IsCompleted);
                Assert.Equal(1, flow.Pauses);

                flow.Delivered(1 << 19);
                Assert.False(hold.IsCompleted);
                flow.Delivered(3 << 19);
                await hold.WaitAsync(LongWait);
                Assert.True(flow.WaitingBytes <= RecordFlow.HardLimitBytes);
            }
        }

        [Fact]
        public async Task AThrottledReaderIsReleasedWhenTheCallEnds()
        {
            using (var client = new WorkerClient(new SilentLink()))
            {
                var flow = new RecordFlow(client);
                flow.Received((int)RecordFlow.HardLimitBytes + 1);
                Task? hold = flow.Throttle();
                Assert.False(hold!.IsCompleted);
                flow.Release();
                await hold.WaitAsync(LongWait);
                Assert.Null(flow.Throttle());
            }
        }
    }
}
