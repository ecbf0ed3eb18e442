using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests
{
    public class BackPressureTests
    {
        private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(60);

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
        public void PausedRecordsWaitOnceTheQueueIsFullWhileOtherFramesPass()
        {
            var stream = new GateStream();
            using (var writer = new FrameWriter(stream))
            {
                writer.SetPaused(true);
                var record = new byte[64 << 10];
                int sent = 0;
                var producer = Task.Run(() =>
                {
                    for (int i = 0; i < 16; i++)
                    {
                        writer.Send(FrameKind.Record, record, 0, record.Length);
                        Interlocked.Increment(ref sent);
                    }
                });

                // The producer stops well short of 16 x 64 KB while paused (about 256 KB queued).
                Assert.False(producer.Wait(TimeSpan.FromMilliseconds(500)));
                Assert.InRange(Volatile.Read(ref sent), 1, 8);

                // An item's end is never held back.
                var itemDone = Task.Run(() => writer.Send(FrameKind.ItemDone, new byte[8], 0, 8));
                Assert.True(itemDone.Wait(LongWait));

                writer.SetPaused(false);
                stream.Open.Set();
                Assert.True(producer.Wait(LongWait));
                Assert.Equal(16, sent);
            }
        }

        [Fact]
        public void UnpausedRecordsDoNotWaitBelowTheUsualBound()
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

                Assert.True(producer.Wait(LongWait));
                stream.Open.Set();
            }
        }
    }
}
