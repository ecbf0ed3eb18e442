using System;
using System.IO;
using ProcCmdlets.Channel;
using Xunit;

namespace ProcCmdlets.Tests.Channel
{
    /// <summary>docs/protocol.md, "The host agent": the frames of a host's one connection, and what a reader refuses.</summary>
    public class AgentFramingTests
    {
        private static AgentFrameReader Reader(params byte[] bytes) => new AgentFrameReader(new MemoryStream(bytes));

        [Fact]
        public void FramesRoundTripWithTheirKindWorkerAndPayload()
        {
            var stream = new MemoryStream();
            byte[] chunk = new byte[AgentFrameReader.MaxChunkBytes];
            new Random(1).NextBytes(chunk);
            foreach (byte[] frame in new[]
            {
                AgentFrameReader.Encode(AgentFrameKind.Data, 7, chunk, 0, chunk.Length),
                AgentFrameReader.Encode(AgentFrameKind.Kill, 0xFFFFFFFF),
                AgentFrameReader.Encode(AgentFrameKind.Exited, 3, -1),
            })
            {
                stream.Write(frame, 0, frame.Length);
            }

            stream.Position = 0;
            var reader = new AgentFrameReader(stream);
            Assert.True(reader.TryRead(out AgentFrame data));
            Assert.Equal(AgentFrameKind.Data, data.Kind);
            Assert.Equal(7u, data.Worker);
            Assert.Equal(chunk, data.Payload);
            Assert.True(reader.TryRead(out AgentFrame kill));
            Assert.Equal((AgentFrameKind.Kill, 0xFFFFFFFFu, 0), (kill.Kind, kill.Worker, kill.Payload.Length));
            Assert.True(reader.TryRead(out AgentFrame exited));
            Assert.Equal(-1, exited.Int32());
            Assert.False(reader.TryRead(out _));
        }

        [Fact]
        public void AChunkLargerThanAFrameCarriesIsRefusedWhenWritten()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => AgentFrameReader.Encode(AgentFrameKind.Data, 1, new byte[AgentFrameReader.MaxChunkBytes + 1], 0, AgentFrameReader.MaxChunkBytes + 1));
        }

        [Theory]
        [InlineData(new byte[] { 4, 0, 0, 0, 3, 1, 0, 0, 0 })] // shorter than kind and worker
        [InlineData(new byte[] { 255, 255, 255, 255, 3, 1, 0, 0, 0 })] // 4 GB declared
        [InlineData(new byte[] { 6, 0, 1, 0, 3, 1, 0, 0, 0 })] // 64 KB + 6: one byte over the largest frame
        [InlineData(new byte[] { 5, 0, 0, 0, 99, 1, 0, 0, 0 })] // a kind the protocol does not have
        [InlineData(new byte[] { 5, 0, 0 })] // the stream ends inside the length
        [InlineData(new byte[] { 5, 0, 0, 0, 3, 1 })] // ... inside the worker's number
        [InlineData(new byte[] { 9, 0, 0, 0, 3, 1, 0, 0, 0, 1, 2 })] // ... inside the payload
        public void HostileBytesAreABrokenConnectionNeverAnAllocation(byte[] bytes)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => Reader(bytes).TryRead(out _));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "a hostile header allocated more than the largest frame");
        }

        [Fact]
        public void AFixedSizeFieldOfTheWrongSizeIsRefused()
        {
            Assert.True(Reader(5 + 3, 0, 0, 0, (byte)AgentFrameKind.Exited, 1, 0, 0, 0, 1, 2, 3).TryRead(out AgentFrame frame));
            Assert.Throws<InvalidDataException>(() => frame.Int32());
        }

        [Fact]
        public async System.Threading.Tasks.Task ACreditWindowHoldsTheSenderBackUntilTheReceiverConsumes()
        {
            var window = new CreditWindow(100);
            Assert.True(window.Take(60));
            var second = System.Threading.Tasks.Task.Run(() => window.Take(60));
            Assert.NotSame(second, await System.Threading.Tasks.Task.WhenAny(second, System.Threading.Tasks.Task.Delay(200)));
            Assert.True(window.Return(60));
            Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.False(window.Return(61));

            var receiver = new CreditWindow(100);
            Assert.True(receiver.Arrive(100));
            Assert.False(receiver.Arrive(1));

            var cancelled = new CreditWindow(10);
            Assert.True(cancelled.Take(10));
            var waiting = System.Threading.Tasks.Task.Run(() => cancelled.Take(1));
            cancelled.Cancel();
            Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
