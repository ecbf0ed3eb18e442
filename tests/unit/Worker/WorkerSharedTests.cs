using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Worker
{
    /// <summary>
    /// A worker's shared-object calls while its pipeline stops: a call made after the stop looked at
    /// the waiting calls still asks to be withdrawn, and an answer that comes after that request
    /// is given back (an item to its queue, a lock to the session), never kept by code that is ending.
    /// </summary>
    public class WorkerSharedTests
    {
        private const long ObjectId = 77;

        [Fact]
        public async Task AGetMadeAfterTheStopAsksToBeWithdrawnAndGivesBackAnItemThatCameAnyway()
        {
            var stream = new WatchedStream();
            using (var writer = new FrameWriter(stream))
            {
                var shared = new WorkerShared(writer);
                var queue = (ProcessQueue)SharedKinds.Create(SharedKinds.Queue, ObjectId, 0, shared)!;

                // As in a finally block that runs while the pipeline stops: the stop's look is over.
                shared.Stopping = true;
                shared.Interrupt();
                Task<object?> get = Task.Run(() => queue.Get());
                Assert.True(stream.WaitFor(writer, frames => frames.Any(f => f.Kind == FrameKind.SharedCancel)), "the Get should ask to be withdrawn");

                // The session had handed it an item before it read the cancel.
                shared.Deliver(Reply(1, "item"));
                await Assert.ThrowsAsync<PipelineStoppedException>(() => get);

                writer.Flush();
                List<SharedCall> posted = stream.Frames().Where(f => f.Kind == FrameKind.SharedPost).Select(f => SharedCall.Read(f.Reader())).ToList();
                SharedCall returned = Assert.Single(posted);
                Assert.Equal(SharedOp.Return, returned.Op);
                Assert.Equal(ObjectId, returned.ObjectId);
                Assert.Equal(1L, returned.Args[0]);
            }
        }

        [Fact]
        public async Task ALockGrantedAfterTheWithdrawalWasAskedIsReleasedAtOnce()
        {
            var stream = new WatchedStream();
            using (var writer = new FrameWriter(stream))
            {
                var shared = new WorkerShared(writer);
                var gate = (ProcessLock)SharedKinds.Create(SharedKinds.Lock, ObjectId, 0, shared)!;
                Task<bool> acquire = Task.Run(() => gate.Acquire(60));
                Assert.True(stream.WaitFor(writer, frames => frames.Any(f => f.Kind == FrameKind.SharedCall)), "the Acquire should be sent");

                shared.Stopping = true;
                shared.Interrupt();
                Assert.True(stream.WaitFor(writer, frames => frames.Any(f => f.Kind == FrameKind.SharedCancel)), "the Acquire should ask to be withdrawn");
                shared.Deliver(Reply(1, true));
                await Assert.ThrowsAsync<PipelineStoppedException>(() => acquire);

                writer.Flush();
                List<SharedCall> calls = stream.Frames().Where(f => f.Kind == FrameKind.SharedCall).Select(f => SharedCall.Read(f.Reader())).ToList();
                Assert.Equal(new[] { SharedOp.Acquire, SharedOp.Release }, calls.Select(c => c.Op));
                Assert.Equal(0L, calls[1].CallId);

                // The lease was given back with it: a later Acquire asks the session again.
                shared.Stopping = false;
                Task<bool> again = Task.Run(() => gate.Acquire(60));
                Assert.True(stream.WaitFor(writer, frames => frames.Count(f => f.Kind == FrameKind.SharedCall) == 3), "a new Acquire should be sent");
                shared.Deliver(Reply(2, true));
                Assert.True(await again);
            }
        }

        [Fact]
        public async Task ARevokeThatOvertakesItsLocksGrantStillMakesTheLeaseYield()
        {
            var stream = new WatchedStream();
            using (var writer = new FrameWriter(stream))
            {
                var shared = new WorkerShared(writer);
                var gate = (ProcessLock)SharedKinds.Create(SharedKinds.Lock, ObjectId, 0, shared)!;

                // 100 uses under one lease: a revoked lease goes back after 64, and the 65th asks again.
                Task cycles = Task.Run(() =>
                {
                    for (int i = 0; i < 100; i++)
                    {
                        Assert.True(gate.Acquire(60));
                        gate.Release();
                    }
                });
                Assert.True(stream.WaitFor(writer, frames => frames.Any(f => f.Kind == FrameKind.SharedCall)), "the Acquire should be sent");

                // Another caller waits: the session's revoke is read before the grant it overtook.
                var revoke = new PayloadWriter(16);
                Marker.Write(revoke, ObjectId);
                shared.Deliver(new Frame(FrameKind.SharedRevoke, revoke.ToArray()));
                shared.Deliver(Reply(1, true));

                Assert.True(
                    stream.WaitFor(writer, frames => frames.Count(f => f.Kind == FrameKind.SharedCall && SharedCall.Read(f.Reader()).Op == SharedOp.Acquire) == 2),
                    "the lease should be given back after 64 uses, so that a later Acquire asks the session again");
                Assert.False(cycles.IsCompleted);
                shared.Deliver(Reply(2, true));
                await cycles;
            }
        }

        [Fact]
        public async Task AnAnswerThatCameBeforeAnyStopIsKept()
        {
            var stream = new WatchedStream();
            using (var writer = new FrameWriter(stream))
            {
                var shared = new WorkerShared(writer);
                var queue = (ProcessQueue)SharedKinds.Create(SharedKinds.Queue, ObjectId, 0, shared)!;
                Task<object?> get = Task.Run(() => queue.Get());
                Assert.True(stream.WaitFor(writer, frames => frames.Any(f => f.Kind == FrameKind.SharedCall)), "the Get should be sent");
                shared.Deliver(Reply(1, "item"));
                Assert.Equal("item", await get);

                writer.Flush();
                SharedCall ack = SharedCall.Read(Assert.Single(stream.Frames(), f => f.Kind == FrameKind.SharedPost).Reader());
                Assert.Equal(SharedOp.Ack, ack.Op);
            }
        }

        private static Frame Reply(long callId, object value)
        {
            var w = new PayloadWriter(64);
            SharedReply.Write(w, callId, SharedStatus.Ok, value, null, ObjectId);
            return new Frame(FrameKind.SharedReply, w.ToArray());
        }

        /// <summary>Keeps what the writer wrote, and wakes a test that waits for a frame.</summary>
        private sealed class WatchedStream : Stream
        {
            private readonly MemoryStream _written = new MemoryStream();
            private int _writes;

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public List<Frame> Frames()
            {
                byte[] bytes;
                lock (_written)
                {
                    bytes = _written.ToArray();
                }

                var reader = new FrameReader(new MemoryStream(bytes));
                var frames = new List<Frame>();
                while (reader.TryRead(out Frame frame))
                {
                    frames.Add(frame);
                }

                return frames;
            }

            /// <summary>Waits (at most 30 s) until the frames written satisfy <paramref name="done"/>.</summary>
            public bool WaitFor(FrameWriter writer, Func<List<Frame>, bool> done)
            {
                DateTime deadline = DateTime.UtcNow.AddSeconds(30);
                while (true)
                {
                    int seen;
                    lock (_written)
                    {
                        seen = _writes;
                    }

                    writer.Flush(TimeSpan.FromSeconds(1));
                    if (done(Frames()))
                    {
                        return true;
                    }

                    TimeSpan left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    lock (_written)
                    {
                        if (_writes == seen)
                        {
                            // Woken by the next write.
                            Monitor.Wait(_written, left);
                        }
                    }
                }
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                lock (_written)
                {
                    _written.Write(buffer, offset, count);
                    _writes++;
                    Monitor.PulseAll(_written);
                }
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
