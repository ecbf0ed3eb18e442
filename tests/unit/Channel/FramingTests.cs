using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipes;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    public class FramingTests
    {
        private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(60);

        private static byte[] Pattern(int length, int seed)
        {
            var bytes = new byte[length];
            new Random(seed).NextBytes(bytes);
            return bytes;
        }

        /// <summary>Writes the frames through a FrameWriter into memory and returns the bytes it wrote.</summary>
        private static byte[] WriteAll(IEnumerable<(FrameKind Kind, byte[] Payload)> frames)
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                foreach (var (kind, payload) in frames)
                {
                    writer.Send(kind, payload, 0, payload.Length);
                }
            }

            // Dispose closed the stream; MemoryStream still hands out what it holds.
            return memory.ToArray();
        }

        private static List<Frame> ReadAll(Stream stream, int maxFrameBytes = FrameReader.DefaultMaxFrameBytes)
        {
            var reader = new FrameReader(stream, maxFrameBytes);
            var frames = new List<Frame>();
            while (reader.TryRead(out Frame frame))
            {
                frames.Add(frame);
            }

            return frames;
        }

        private static byte[] Header(uint length, FrameKind kind) =>
            new[] { (byte)length, (byte)(length >> 8), (byte)(length >> 16), (byte)(length >> 24), (byte)kind };

        [Fact]
        public async Task FramesOfEveryKindAndManySizesRoundTripInOrder()
        {
            int[] sizes = { 0, 1, 2, 127, 128, 4095, 65535, 65536, 65537, 100 * 1024, 3 * 1024 * 1024 + 17 };
            var kinds = Enum.GetValues<FrameKind>();

            var sent = new List<(FrameKind Kind, byte[] Payload)>();
            int seed = 0;
            foreach (int size in sizes)
            {
                foreach (FrameKind kind in kinds)
                {
                    sent.Add((kind, Pattern(size, seed++)));
                }
            }

            // The last frames are queued while the stream takes nothing, for longer than the 5 s the
            // writer's Dispose once waited before closing the stream under them (which a loaded machine
            // hit by chance).
            for (int i = 0; i < 100; i++)
            {
                sent.Add((FrameKind.ItemDone, Pattern(8, seed++)));
            }

            var stream = new HeldStream();
            var writer = new FrameWriter(stream);
            for (int i = 0; i < sent.Count; i++)
            {
                if (i == sent.Count - 100)
                {
                    // Written so far first: a producer waits while over 16 MB are queued, and the
                    // stream, once held, would never make room.
                    writer.Flush();
                    stream.Hold();
                }

                writer.Send(sent[i].Kind, sent[i].Payload, 0, sent[i].Payload.Length);
            }

            var disposing = Task.Run(() => writer.Dispose());
            Assert.NotSame(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(6))));
            Assert.True(stream.CanWrite);
            stream.Released.Set();
            await disposing.WaitAsync(LongWait);
            Assert.False(stream.CanWrite);
            byte[] wire = stream.ToArray();

            long expectedBytes = sent.Sum(f => 5L + f.Payload.Length);
            Assert.Equal(expectedBytes, wire.LongLength);

            var received = ReadAll(new MemoryStream(wire));
            Assert.Equal(sent.Count, received.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i].Kind, received[i].Kind);
                Assert.Equal(sent[i].Payload, received[i].Payload);
            }
        }

        [Fact]
        public void FrameLayoutIsLittleEndianLengthThenKindThenPayload()
        {
            byte[] wire = WriteAll(new[] { (FrameKind.Record, new byte[] { 0xAA, 0xBB, 0xCC }) });
            Assert.Equal(new byte[] { 4, 0, 0, 0, (byte)FrameKind.Record, 0xAA, 0xBB, 0xCC }, wire);
        }

        [Fact]
        public void EmptyFrameCarriesOnlyItsKind()
        {
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                writer.Send(FrameKind.InputEnd);
                writer.Send(FrameKind.Hello, Array.Empty<byte>(), 0, 0);
            }

            byte[] wire = memory.ToArray();
            Assert.Equal(10, wire.Length);
            var frames = ReadAll(new MemoryStream(wire));
            Assert.Equal(2, frames.Count);
            Assert.Equal(FrameKind.InputEnd, frames[0].Kind);
            Assert.Empty(frames[0].Payload);
            Assert.Equal(FrameKind.Hello, frames[1].Kind);
            Assert.Empty(frames[1].Payload);
            Assert.True(frames[0].Reader().AtEnd);
        }

        [Fact]
        public void SendWithPayloadWriterSendsOnlyTheWrittenLength()
        {
            var payload = new PayloadWriter(4096);
            payload.WriteString("hello");
            payload.WriteVarInt(-42);
            Assert.True(payload.Buffer.Length > payload.Length);

            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                writer.Send(FrameKind.Record, payload);

                // The writer copies the payload, so the buffer may be reused at once.
                payload.Reset();
                payload.WriteString("second");
                writer.Send(FrameKind.Record, payload);
            }

            var frames = ReadAll(new MemoryStream(memory.ToArray()));
            Assert.Equal(2, frames.Count);
            var first = frames[0].Reader();
            Assert.Equal("hello", first.ReadString());
            Assert.Equal(-42, first.ReadVarInt());
            Assert.True(first.AtEnd);
            var second = frames[1].Reader();
            Assert.Equal("second", second.ReadString());
            Assert.True(second.AtEnd);
        }

        [Fact]
        public void SendWithOffsetAndCountSendsThatSlice()
        {
            byte[] source = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                writer.Send(FrameKind.Input, source, 10, 20);
            }

            var frame = Assert.Single(ReadAll(new MemoryStream(memory.ToArray())));
            Assert.Equal(source.Skip(10).Take(20).ToArray(), frame.Payload);
        }

        [Fact]
        public void ManyFramesSentQuicklyAllArriveInOrder()
        {
            const int count = 50_000;
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var payload = new PayloadWriter();
                for (int i = 0; i < count; i++)
                {
                    payload.Reset();
                    payload.WriteVarUInt((ulong)i);
                    payload.WriteString(new string('x', i % 50));
                    writer.Send(i % 2 == 0 ? FrameKind.Record : FrameKind.ItemDone, payload);
                }
            }

            var frames = ReadAll(new MemoryStream(memory.ToArray()));
            Assert.Equal(count, frames.Count);
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(i % 2 == 0 ? FrameKind.Record : FrameKind.ItemDone, frames[i].Kind);
                var reader = frames[i].Reader();
                Assert.Equal((ulong)i, reader.ReadVarUInt());
                Assert.Equal(new string('x', i % 50), reader.ReadString());
                Assert.True(reader.AtEnd);
            }
        }

        [Fact]
        public async Task FramesFromManyThreadsArriveWholeAndInEachThreadsOrder()
        {
            const int threads = 8;
            const int perThread = 5_000;
            var memory = new MemoryStream();
            using (var writer = new FrameWriter(memory))
            {
                var tasks = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
                {
                    var payload = new PayloadWriter();
                    for (int i = 0; i < perThread; i++)
                    {
                        payload.Reset();
                        payload.WriteVarUInt((ulong)t);
                        payload.WriteVarUInt((ulong)i);
                        payload.WriteBytes(Pattern(i % 300, t * perThread + i));
                        writer.Send(FrameKind.Record, payload);
                    }
                })).ToArray();
                await Task.WhenAll(tasks);
            }

            var frames = ReadAll(new MemoryStream(memory.ToArray()));
            Assert.Equal(threads * perThread, frames.Count);
            var next = new int[threads];
            foreach (var frame in frames)
            {
                var reader = frame.Reader();
                int t = (int)reader.ReadVarUInt();
                int i = (int)reader.ReadVarUInt();
                Assert.Equal(next[t], i);
                next[t]++;
                Assert.Equal(Pattern(i % 300, t * perThread + i), reader.ReadBytes());
                Assert.True(reader.AtEnd);
            }

            Assert.All(next, n => Assert.Equal(perThread, n));
        }

        [Fact]
        public void FlushWaitsUntilEveryQueuedFrameIsWrittenAndTheWriterStaysUsable()
        {
            var memory = new MemoryStream();
            var writer = new FrameWriter(memory);
            try
            {
                for (int i = 0; i < 1000; i++)
                {
                    writer.Send(FrameKind.Record, BitConverter.GetBytes(i), 0, 4);
                }

                writer.Flush(LongWait);

                // Nothing is queued any more and the stream is still open.
                Assert.True(memory.CanRead);
                var first = ReadAll(new MemoryStream(memory.ToArray()));
                Assert.Equal(1000, first.Count);
                Assert.Equal(999, BitConverter.ToInt32(first[999].Payload, 0));

                writer.Send(FrameKind.ScriptDone, new byte[] { 7 }, 0, 1);
                writer.Flush(LongWait);
                var second = ReadAll(new MemoryStream(memory.ToArray()));
                Assert.Equal(1001, second.Count);
                Assert.Equal(FrameKind.ScriptDone, second[1000].Kind);
                Assert.Equal(new byte[] { 7 }, second[1000].Payload);
            }
            finally
            {
                writer.Dispose();
            }
        }

        [Fact]
        public void FlushOnAnIdleWriterReturns()
        {
            var memory = new MemoryStream();
            using var writer = new FrameWriter(memory);
            writer.Flush(LongWait);
            Assert.Equal(0, memory.Length);
        }

        [Fact]
        public void DisposeWritesWhatIsQueuedThenClosesTheStream()
        {
            var memory = new MemoryStream();
            var writer = new FrameWriter(memory);
            writer.Send(FrameKind.Record, Pattern(200_000, 1), 0, 200_000);
            writer.Send(FrameKind.ScriptDone);
            writer.Dispose();

            Assert.False(memory.CanRead);
            Assert.False(memory.CanWrite);

            var frames = ReadAll(new MemoryStream(memory.ToArray()));
            Assert.Equal(2, frames.Count);
            Assert.Equal(Pattern(200_000, 1), frames[0].Payload);
            Assert.Equal(FrameKind.ScriptDone, frames[1].Kind);
        }

        /// <summary>A stream whose writes, once it is held, wait until it is released.</summary>
        private sealed class HeldStream : MemoryStream
        {
            private volatile bool _held;

            public ManualResetEventSlim Released { get; } = new ManualResetEventSlim();

            public void Hold() => _held = true;

            public override void Write(byte[] buffer, int offset, int count)
            {
                if (_held)
                {
                    Released.Wait();
                }

                base.Write(buffer, offset, count);
            }
        }

        [Fact]
        public void CloseReturnsAtOnceAndTheWriterStillWritesWhatIsQueuedThenClosesTheStream()
        {
            var stream = new HeldStream();
            stream.Hold();
            var writer = new FrameWriter(stream);
            writer.Send(FrameKind.Record, Pattern(100_000, 2), 0, 100_000);
            writer.Send(FrameKind.ItemDone, Pattern(8, 3), 0, 8);
            writer.Close();
            Assert.True(stream.CanWrite);
            Assert.Throws<ObjectDisposedException>(() => writer.Send(FrameKind.Hello));

            stream.Released.Set();
            writer.Dispose();
            Assert.False(stream.CanWrite);
            var frames = ReadAll(new MemoryStream(stream.ToArray()));
            Assert.Equal(new[] { FrameKind.Record, FrameKind.ItemDone }, frames.Select(f => f.Kind));
            Assert.Null(writer.Fault);
        }

        [Fact]
        public void AFailedWriteSaysHowMuchWasNotWritten()
        {
            var stream = new FailingStream();
            var writer = new FrameWriter(stream);
            writer.Send(FrameKind.Record, new byte[1000], 0, 1000);
            writer.Dispose();
            Assert.Equal(1005, writer.Unwritten);
            Assert.NotNull(writer.Fault);
            Assert.Contains("1005 bytes", writer.Fault.Message);
            Assert.True(stream.Disposed);
        }

        [Fact]
        public void SendAfterDisposeThrowsAndDisposeTwiceIsHarmless()
        {
            var writer = new FrameWriter(new MemoryStream());
            writer.Dispose();
            writer.Dispose();
            Assert.Throws<ObjectDisposedException>(() => writer.Send(FrameKind.Hello));
        }

        [Fact]
        public void AFailedWriteSetsFaultAndLaterSendsThrow()
        {
            var stream = new FailingStream();
            var writer = new FrameWriter(stream);
            try
            {
                Assert.Null(writer.Fault);
                writer.Send(FrameKind.Hello);
                writer.Flush(LongWait);

                Assert.IsType<IOException>(writer.Fault);
                var e = Assert.Throws<IOException>(() => writer.Send(FrameKind.Record, new byte[] { 1 }, 0, 1));
                Assert.Same(writer.Fault, e.InnerException);
            }
            finally
            {
                writer.Dispose();
            }

            Assert.True(stream.Disposed);
        }

        [Fact]
        public void ReaderReturnsFalseOnAnEmptyStream()
        {
            var reader = new FrameReader(new MemoryStream());
            Assert.False(reader.TryRead(out _));
            Assert.False(reader.TryRead(out _));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        public void StreamEndingInsideAHeaderThrows(int headerBytes)
        {
            byte[] wire = WriteAll(new[] { (FrameKind.Record, new byte[] { 1, 2, 3 }) });
            var stream = new MemoryStream(wire.Concat(Header(4, FrameKind.Record).Take(headerBytes)).ToArray());
            var reader = new FrameReader(stream);

            Assert.True(reader.TryRead(out Frame first));
            Assert.Equal(new byte[] { 1, 2, 3 }, first.Payload);
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(99)]
        [InlineData(70_000)]
        public void StreamEndingInsideAPayloadThrows(int payloadBytes)
        {
            // The header declares 100,001 bytes (kind plus 100,000 of payload) but fewer follow.
            byte[] wire = Header(100_001, FrameKind.Record).Concat(new byte[payloadBytes]).ToArray();
            var reader = new FrameReader(new MemoryStream(wire));
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
        }

        [Fact]
        public void EveryCutOfAValidStreamInsideAFrameThrows()
        {
            byte[] wire = WriteAll(new[]
            {
                (FrameKind.Record, new byte[] { 1, 2, 3 }),
                (FrameKind.ItemDone, Array.Empty<byte>()),
                (FrameKind.ScriptDone, new byte[] { 9 }),
            });
            var boundaries = new HashSet<int> { 0, 8, 13, 19 };
            Assert.Equal(19, wire.Length);

            for (int cut = 0; cut <= wire.Length; cut++)
            {
                var reader = new FrameReader(new MemoryStream(wire, 0, cut));
                if (boundaries.Contains(cut))
                {
                    while (reader.TryRead(out _))
                    {
                    }
                }
                else
                {
                    Assert.Throws<InvalidDataException>(() =>
                    {
                        while (reader.TryRead(out _))
                        {
                        }
                    });
                }
            }
        }

        [Fact]
        public void DeclaredLengthOfZeroThrows()
        {
            var reader = new FrameReader(new MemoryStream(Header(0, FrameKind.Record)));
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
        }

        [Fact]
        public void DeclaredLengthAboveTheMaximumThrows()
        {
            const int max = 16;

            // Exactly the maximum (kind byte plus 15 bytes) is accepted.
            byte[] fits = Header(16, FrameKind.Record).Concat(new byte[15]).ToArray();
            var ok = new FrameReader(new MemoryStream(fits), max);
            Assert.True(ok.TryRead(out Frame frame));
            Assert.Equal(15, frame.Payload.Length);
            Assert.False(ok.TryRead(out _));

            byte[] tooLong = Header(17, FrameKind.Record).Concat(new byte[16]).ToArray();
            var reader = new FrameReader(new MemoryStream(tooLong), max);
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
        }

        [Fact]
        public void AFrameWrittenLargerThanTheReadersMaximumIsRefused()
        {
            byte[] wire = WriteAll(new[] { (FrameKind.Record, new byte[1000]) });
            var reader = new FrameReader(new MemoryStream(wire), 512);
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));
        }

        [Fact]
        public void DeclaredLengthWithTheTopBitSetThrowsWithoutAllocating()
        {
            var reader = new FrameReader(new MemoryStream(Header(uint.MaxValue, FrameKind.Record)));
            Assert.Throws<InvalidDataException>(() => reader.TryRead(out _));

            var reader2 = new FrameReader(new MemoryStream(Header(0x8000_0000, FrameKind.Record)));
            Assert.Throws<InvalidDataException>(() => reader2.TryRead(out _));
        }

        [Fact]
        public void ReaderAcceptsAStreamThatHandsOutOneByteAtATime()
        {
            var sent = new[]
            {
                (FrameKind.Record, Pattern(1000, 3)),
                (FrameKind.Hello, Array.Empty<byte>()),
                (FrameKind.InitDone, Pattern(1, 4)),
            };
            byte[] wire = WriteAll(sent);
            var frames = ReadAll(new TrickleStream(wire));
            Assert.Equal(3, frames.Count);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(sent[i].Item1, frames[i].Kind);
                Assert.Equal(sent[i].Item2, frames[i].Payload);
            }
        }

        [Fact]
        public async Task FramesCrossARealPipeAndDisposeGivesACleanEnd()
        {
            var sent = new List<(FrameKind Kind, byte[] Payload)>();
            int[] sizes = { 0, 1, 100 * 1024, 4 * 1024 * 1024, 0, 3, 2 * 1024 * 1024 + 1, 65536 };
            for (int i = 0; i < sizes.Length; i++)
            {
                sent.Add((i % 2 == 0 ? FrameKind.Record : FrameKind.Input, Pattern(sizes[i], 100 + i)));
            }

            for (int i = 0; i < 2000; i++)
            {
                sent.Add((FrameKind.ItemDone, BitConverter.GetBytes(i)));
            }

            using var server = new AnonymousPipeServerStream(PipeDirection.Out);
            using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);

            var reading = Task.Factory.StartNew(() => ReadAll(client), TaskCreationOptions.LongRunning);

            var writer = new FrameWriter(server);
            foreach (var (kind, payload) in sent)
            {
                writer.Send(kind, payload, 0, payload.Length);
            }

            writer.Dispose();

            Assert.Same(reading, await Task.WhenAny(reading, Task.Delay(LongWait)));
            var received = await reading;
            Assert.Equal(sent.Count, received.Count);
            for (int i = 0; i < sent.Count; i++)
            {
                Assert.Equal(sent[i].Kind, received[i].Kind);
                Assert.Equal(sent[i].Payload, received[i].Payload);
            }
        }

        [Fact]
        public async Task ProducersOutrunningASlowPipeStillDeliverEverything()
        {
            // More than the writer's 16 MB queue limit, so producers have to wait for the reader.
            const int frames = 12;
            const int size = 3 * 1024 * 1024;

            using var server = new AnonymousPipeServerStream(PipeDirection.Out);
            using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);

            var writer = new FrameWriter(server);
            var producing = Task.Run(() =>
            {
                for (int i = 0; i < frames; i++)
                {
                    writer.Send(FrameKind.Record, Pattern(size, i), 0, size);
                }

                writer.Dispose();
            });

            var reader = new FrameReader(client);
            int count = 0;
            while (reader.TryRead(out Frame frame))
            {
                Assert.Equal(Pattern(size, count), frame.Payload);
                count++;
            }

            Assert.Same(producing, await Task.WhenAny(producing, Task.Delay(LongWait)));
            await producing;
            Assert.Equal(frames, count);
        }

        [Fact]
        public void ClosingTheReadingEndFaultsTheWriter()
        {
            var server = new AnonymousPipeServerStream(PipeDirection.Out);
            var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
            var writer = new FrameWriter(server);
            try
            {
                client.Dispose();
                server.DisposeLocalCopyOfClientHandle();

                // Keep sending until the failed write is noticed.
                Exception? thrown = null;
                for (int i = 0; i < 10_000 && thrown == null; i++)

                {
                    try
                    {
                        writer.Send(FrameKind.Record, new byte[1024], 0, 1024);
                        writer.Flush(LongWait);
                    }
                    catch (IOException e)
                    {
                        thrown = e;
                    }
                }

                Assert.NotNull(writer.Fault);
                Assert.NotNull(thrown);
            }
            finally
            {
                writer.Dispose();
            }
        }

        /// <summary>A stream whose writes always fail, as a pipe whose reader has gone does.</summary>
        private sealed class FailingStream : Stream
        {
            public bool Disposed { get; private set; }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        /// <summary>A read-only stream that returns at most one byte per read.</summary>
        private sealed class TrickleStream : Stream
        {
            private readonly byte[] _data;
            private int _position;

            public TrickleStream(byte[] data) => _data = data;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                if (count == 0 || _position >= _data.Length)
                {
                    return 0;
                }

                buffer[offset] = _data[_position++];
                return 1;
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
