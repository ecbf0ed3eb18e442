using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Connection
{
    /// <summary>The session's end of a worker: the Hello handshake, and frames that arrive before an owner attaches.</summary>
    public class WorkerClientTests
    {
        private static byte[] Wire(params (FrameKind Kind, Action<PayloadWriter> Write)[] frames)
        {
            var memory = new MemoryStream();
            foreach (var (kind, write) in frames)
            {
                var w = new PayloadWriter();
                write(w);
                memory.Write(BitConverter.GetBytes((uint)(w.Length + 1)), 0, 4);
                memory.WriteByte((byte)kind);
                memory.Write(w.Buffer, 0, w.Length);
            }

            return memory.ToArray();
        }

        private static WorkerClient Connect(byte[] fromWorker, out ScriptedLink link)
        {
            link = new ScriptedLink(fromWorker);
            return new WorkerClient(link);
        }

        [Fact]
        public void AProcessThatDoesNotGreetIsEndedWithAClearFault()
        {
            WorkerClient client = Connect(Wire((FrameKind.Record, w => w.WriteByte(0))), out ScriptedLink link);
            Assert.True(client.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Contains("did not greet as a ProcCmdlets worker", client.ChannelFault);
            Assert.True(link.Killed);
        }

        [Fact]
        public void AWorkerOfAnotherVersionIsEndedWithBothVersionsNamed()
        {
            WorkerClient client = Connect(Wire((FrameKind.Hello, new Hello(Hello.CurrentProtocolVersion, "9.9.9.9", "7.6.9", 5).Write)), out ScriptedLink link);
            Assert.True(client.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Contains("9.9.9.9", client.ChannelFault);
            Assert.Contains(Hello.ThisModuleVersion, client.ChannelFault);
            Assert.True(link.Killed);
        }

        [Fact]
        public void FramesAfterHelloReachTheOwnerEvenWhenTheyCameBeforeItAttached()
        {
            WorkerClient client = Connect(Wire(
                (FrameKind.Hello, Hello.ForThisProcess("7.6.9", 5).Write),
                (FrameKind.InitDone, w => InitDone.Write(w, true)),
                (FrameKind.ChunkDone, w => Marker.Write(w, 3))), out ScriptedLink link);
            Assert.True(client.WaitForExit(TimeSpan.FromSeconds(10)));

            var kinds = new List<FrameKind>();
            int exits = 0;
            client.Attach(f => kinds.Add(f.Kind), _ => { }, _ => Interlocked.Increment(ref exits));

            Assert.Equal(new[] { FrameKind.InitDone, FrameKind.ChunkDone }, kinds);
            Assert.Equal(1, exits);
            Assert.Null(client.ChannelFault);
            Assert.NotNull(client.Hello);
            Assert.Equal("7.6.9", client.Hello.EngineVersion);
            Assert.False(link.Killed);
        }

        [Fact]
        public void AWorkerThatSaysWhyItFailedHasThatAsItsChannelFaultAndTheLineIsNotConsoleText()
        {
            var link = new ScriptedLink(Wire((FrameKind.Hello, Hello.ForThisProcess("7.6.9", 5).Write)),
                "before\n" + "unfinished" + WorkerFailure.Line("the channel from the session is corrupt: bad frame") + "\n");
            var client = new WorkerClient(link);
            var lines = new List<string>();
            var exited = new ManualResetEventSlim();
            client.Attach(_ => { }, line => { lock (lines) { lines.Add(line); } }, _ => exited.Set());
            Assert.True(exited.Wait(TimeSpan.FromSeconds(10)));

            Assert.Contains("the channel from the session is corrupt: bad frame", client.ChannelFault);
            lock (lines)
            {
                Assert.DoesNotContain(lines, l => l.Contains("worker failed"));
            }

            Assert.Contains("unfinished", client.ConsoleTail());
        }

        [Fact]
        public void AFrameLargerThanTheLinksLimitEndsTheWorkerWithAFault()
        {
            var link = new ScriptedLink(Wire(
                (FrameKind.Hello, Hello.ForThisProcess("7.6.9", 5).Write),
                (FrameKind.Record, w => w.WriteRaw(new byte[2000]))), maxFrameBytes: 1000);
            var client = new WorkerClient(link);
            Assert.True(client.WaitForExit(TimeSpan.FromSeconds(10)));
            Assert.Contains("outside 1..1000", client.ChannelFault);
            Assert.True(link.Killed);
        }

        [Fact]
        public async Task AHeldReaderRoutesNothingMoreAndIssuesNoReadUntilTheHoldEnds()
        {
            var from = new GatedStream(Wire(
                (FrameKind.Hello, Hello.ForThisProcess("7.6.9", 5).Write),
                (FrameKind.ChunkStarted, w => Marker.Write(w, 1)),
                (FrameKind.ChunkDone, w => Marker.Write(w, 2))));
            var link = new ScriptedLink(Array.Empty<byte>(), from: from);
            var client = new WorkerClient(link);
            var hold = new TaskCompletionSource<bool>();
            var kinds = new List<FrameKind>();
            var first = new ManualResetEventSlim();
            var exited = new ManualResetEventSlim();
            client.Attach(
                f =>
                {
                    lock (kinds)
                    {
                        kinds.Add(f.Kind);
                    }

                    if (f.Kind == FrameKind.ChunkStarted)
                    {
                        client.HoldReads(hold.Task);
                        first.Set();
                    }
                },
                _ => { },
                _ => exited.Set());
            from.Open();

            Assert.True(first.Wait(TimeSpan.FromSeconds(30)));
            await Task.Delay(300);
            lock (kinds)
            {
                Assert.Equal(new[] { FrameKind.ChunkStarted }, kinds);
            }

            Assert.Equal(1, from.Reads);
            Assert.False(exited.IsSet);

            hold.SetResult(true);
            Assert.True(exited.Wait(TimeSpan.FromSeconds(30)));
            lock (kinds)
            {
                Assert.Equal(new[] { FrameKind.ChunkStarted, FrameKind.ChunkDone }, kinds);
            }

            Assert.Equal(2, from.Reads);
        }

        /// <summary>A worker's output that its first read waits for until <see cref="Open"/>; it counts reads.</summary>
#pragma warning disable CA1844 // The session reads through the byte[] overloads (it targets netstandard2.0).
        private sealed class GatedStream : MemoryStream
#pragma warning restore CA1844
        {
            private readonly ManualResetEventSlim _open = new ManualResetEventSlim();
            private int _reads;

            public GatedStream(byte[] data)
                : base(data)
            {
            }

            public int Reads => Volatile.Read(ref _reads);

            public void Open() => _open.Set();

            public override int Read(byte[] buffer, int offset, int count)
            {
                Interlocked.Increment(ref _reads);
                _open.Wait();
                return base.Read(buffer, offset, count);
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref _reads);
                await Task.Run(() => _open.Wait(), cancellationToken);
                return base.Read(buffer, offset, count);
            }
        }

        /// <summary>A worker whose whole output is given in advance, and which has exited.</summary>
        private sealed class ScriptedLink : WorkerLink
        {
            private readonly MemoryStream _from;

            private readonly int _maxFrameBytes;

            public ScriptedLink(byte[] fromWorker, string console = "", int maxFrameBytes = FrameReader.DefaultMaxFrameBytes, MemoryStream? from = null)
            {
                _from = from ?? new MemoryStream(fromWorker);
                Console = new StringReader(console);
                _maxFrameBytes = maxFrameBytes;
            }

            public override int MaxFrameBytes => _maxFrameBytes;

            public bool Killed { get; private set; }

            public override int ProcessId => 4242;

            public override string Location => "scripted";

            public override Stream ToWorker { get; } = new MemoryStream();

            public override Stream FromWorker => _from;

            public override TextReader Console { get; }

            public override int? ExitCode => 0;

            public override void Kill() => Killed = true;

            public override bool WaitForExit(TimeSpan timeout) => true;
        }
    }
}
