using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>
    /// The session's channel I/O without a thread per worker: frames read as they arrive, a writer
    /// that drains asynchronously and still writes everything queued, in order, before it closes.
    /// </summary>
    // The session reads and writes through the byte[] overloads (it targets netstandard2.0).
    #pragma warning disable CA1844
    public class AsyncChannelTests
    {
        private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(60);

        private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

        private static byte[] Wire(params (FrameKind Kind, byte[] Payload)[] frames)
        {
            var memory = new MemoryStream();
            foreach (var (kind, payload) in frames)
            {
                memory.Write(BitConverter.GetBytes((uint)payload.Length + 1), 0, 4);
                memory.WriteByte((byte)kind);
                memory.Write(payload, 0, payload.Length);
            }

            return memory.ToArray();
        }

        private static async Task<List<Frame>> ReadAllAsync(FrameReader reader)
        {
            var frames = new List<Frame>();
            do
            {
                while (reader.TryTake(out Frame frame))
                {
                    frames.Add(frame);
                }
            }
            while (await reader.FillAsync());
            return frames;
        }

        [Fact]
        public async Task FramesArrivingAByteAtATimeAreTakenWholeAndInOrder()
        {
            // One frame larger than the read buffer, one that fills it exactly, and small ones around them.
            var sent = new[]
            {
                (FrameKind.Record, Pattern(10, 1)),
                (FrameKind.ItemDone, Array.Empty<byte>()),
                (FrameKind.Record, Pattern(200_000, 2)),
                (FrameKind.Record, Pattern((64 << 10) - 5, 3)),
                (FrameKind.ScriptDone, Pattern(3, 4)),
            };
            var reader = new FrameReader(new AsyncTrickleStream(Wire(sent)));

            List<Frame> frames = await ReadAllAsync(reader);

            Assert.Equal(sent.Select(f => f.Item1), frames.Select(f => f.Kind));
            for (int i = 0; i < sent.Length; i++)
            {
                Assert.Equal(sent[i].Item2, frames[i].Payload);
            }
        }

        [Fact]
        public async Task AnAsynchronousReadThatEndsInsideAFrameThrows()
        {
            byte[] wire = Wire((FrameKind.Record, Pattern(100_000, 5)));
            var reader = new FrameReader(new AsyncTrickleStream(wire.Take(wire.Length - 1).ToArray()));
            await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(reader));
        }

        [Fact]
        public void DisposeWaitsForASlowStreamToTakeEverythingQueuedInOrderOneWriteAtATime()
        {
            var slow = new SlowStream(TimeSpan.FromMilliseconds(2));
            var writer = new FrameWriter(slow);
            var sent = new List<(FrameKind, byte[])>();
            for (int i = 0; i < 300; i++)
            {
                FrameKind kind = i % 3 == 2 ? FrameKind.ItemDone : FrameKind.Record;
                byte[] payload = Pattern(i * 97 % 5000, i);
                sent.Add((kind, payload));
                writer.Send(kind, payload, 0, payload.Length);
            }

            writer.Dispose();

            Assert.True(slow.IsDisposed);
            Assert.Equal(1, slow.MostWritesAtOnce);
            Assert.Null(writer.Fault);
            var frames = new List<Frame>();
            var reader = new FrameReader(new MemoryStream(slow.Written));
            while (reader.TryRead(out Frame frame))
            {
                frames.Add(frame);
            }

            Assert.Equal(sent.Select(f => f.Item1), frames.Select(f => f.Kind));
            Assert.Equal(sent.Select(f => f.Item2.Length), frames.Select(f => f.Payload.Length));
            Assert.Equal(sent[299].Item2, frames[299].Payload);
        }

        [Fact]
        public void AnAsynchronousWriteThatFailsIsReportedWithWhatWasNotWritten()
        {
            var slow = new SlowStream(TimeSpan.FromMilliseconds(20)) { FailAfterBytes = 1 };
            var writer = new FrameWriter(slow);
            writer.Send(FrameKind.ScriptDone, Pattern(100, 1), 0, 100);
            writer.Send(FrameKind.Record, Pattern(1000, 2), 0, 1000);
            writer.Dispose();

            Assert.NotNull(writer.Fault);
            Assert.True(writer.Unwritten >= 105, $"Unwritten: {writer.Unwritten}");
            Assert.Contains("not written", writer.Fault!.Message);
            Assert.True(slow.IsDisposed);
            Assert.Throws<IOException>(() => writer.Send(FrameKind.Record, Pattern(1, 1), 0, 1));
        }

        [Fact]
        public void FlushWaitsForAnAsynchronousWriteAndTheWriterStartsAgainForLaterFrames()
        {
            var slow = new SlowStream(TimeSpan.FromMilliseconds(30));
            using var writer = new FrameWriter(slow);
            writer.Send(FrameKind.Record, Pattern(10, 1), 0, 10);
            Assert.True(writer.Flush(LongWait));
            Assert.Equal(15, slow.Written.Length);

            // The drain ended with the queue; a later frame starts the next one.
            writer.Send(FrameKind.ScriptDone);
            Assert.True(writer.Flush(LongWait));
            Assert.Equal(20, slow.Written.Length);
        }

        [Fact]
        public async Task TakeAsyncWaitsForCreditInTurnAndCancelEndsTheWait()
        {
            var window = new CreditWindow(100);
            Assert.True(await window.TakeAsync(80));
            Task<bool> first = window.TakeAsync(50);
            Task<bool> second = window.TakeAsync(10);
            Assert.False(first.IsCompleted);

            // The later, smaller request waits its turn: the first is not starved.
            Assert.False(second.IsCompleted);
            Assert.True(window.Return(40));
            Assert.True(await first.WaitAsync(LongWait));
            Assert.True(await second.WaitAsync(LongWait));

            Task<bool> third = window.TakeAsync(50);
            Assert.False(third.IsCompleted);
            window.Cancel();
            Assert.False(await third.WaitAsync(LongWait));
            Assert.False(await window.TakeAsync(1));
        }

        /// <summary>A stream whose asynchronous reads hand out one byte each, after giving up the thread.</summary>
        private sealed class AsyncTrickleStream : Stream
        {
            private readonly byte[] _data;
            private int _position;

            public AsyncTrickleStream(byte[] data) => _data = data;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The session reads asynchronously.");

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                await Task.Yield();
                if (count == 0 || _position >= _data.Length)
                {
                    return 0;
                }

                buffer[offset] = _data[_position++];
                return 1;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        /// <summary>A stream whose asynchronous writes each take a while; it counts writes in flight and can fail.</summary>
        private sealed class SlowStream : Stream
        {
            private readonly TimeSpan _delay;
            private readonly MemoryStream _written = new MemoryStream();
            private int _inFlight;
            private int _most;

            public SlowStream(TimeSpan delay) => _delay = delay;

            public int FailAfterBytes { get; set; } = int.MaxValue;

            public bool IsDisposed { get; private set; }

            public int MostWritesAtOnce => Volatile.Read(ref _most);

            public byte[] Written
            {
                get
                {
                    lock (_written)
                    {
                        return _written.ToArray();
                    }
                }
            }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("The session writes asynchronously.");

            public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                int now = Interlocked.Increment(ref _inFlight);
                int most;
                while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
                {
                }

                try
                {
                    await Task.Delay(_delay, cancellationToken);
                    lock (_written)
                    {
                        if (_written.Length + count > FailAfterBytes)
                        {
                            throw new IOException("The other side is gone.");
                        }

                        _written.Write(buffer, offset, count);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                IsDisposed = true;
                base.Dispose(disposing);
            }
        }
    }
}
