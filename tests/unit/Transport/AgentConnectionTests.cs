using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Transport;
using Xunit;

namespace ProcCmdlets.Tests.Transport
{
    /// <summary>
    /// The session's end of a host agent's connection against a scripted agent: each worker's link
    /// gets its own bytes, console and exit; the host's faults end every worker; and anything the
    /// protocol does not allow from the host ends the connection, never a worker's reader.
    /// </summary>
    public class AgentConnectionTests
    {
        private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

        private static (FakeAgentProcess Agent, AgentConnection Connection) Connect()
        {
            var agent = new FakeAgentProcess();
            var connection = new AgentConnection(agent, "/opt/pwsh", string.Empty, "QUJD", null);
            AgentFrame configure = agent.Next();
            Assert.Equal(AgentFrameKind.Configure, configure.Kind);
            return (agent, connection);
        }

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            int got = 0;
            while (got < count)
            {
                int n = stream.Read(buffer, got, count - got);
                Assert.True(n > 0, "the stream ended early");
                got += n;
            }

            return buffer;
        }

        [Fact]
        public void TheConfigureFrameCarriesThePathAndTheBootstrap()
        {
            byte[] frame = AgentConnection.Configure("/opt/my pwsh", "\"/x y.dll\"", "QUJD");
            var reader = new AgentFrameReader(new MemoryStream(frame));
            Assert.True(reader.TryRead(out AgentFrame configure));
            Assert.Equal(12, BitConverter.ToInt32(configure.Payload, 0));
            Assert.Equal("/opt/my pwsh", Encoding.UTF8.GetString(configure.Payload, 4, 12));
            Assert.Equal(10, BitConverter.ToInt32(configure.Payload, 16));
            Assert.Equal("\"/x y.dll\"", Encoding.UTF8.GetString(configure.Payload, 20, 10));
            Assert.Equal("QUJD", Encoding.UTF8.GetString(configure.Payload, 30, 4));
        }

        [Fact]
        public void EachWorkerGetsItsOwnBytesConsoleAndExitOverTheOneConnection()
        {
            var (agent, connection) = Connect();
            AgentWorkerLink one = connection.Open()!;
            AgentWorkerLink two = connection.Open()!;
            AgentFrame start1 = agent.Next();
            AgentFrame start2 = agent.Next();
            Assert.Equal((AgentFrameKind.Start, 1u), (start1.Kind, start1.Worker));
            Assert.Equal((AgentFrameKind.Start, 2u), (start2.Kind, start2.Worker));
            Assert.Equal(4242, one.ProcessId);
            Assert.Equal(one.ProcessId, two.ProcessId);

            agent.Send(AgentFrameKind.Console, 2, Encoding.UTF8.GetBytes("ProcCmdlets.Ssh.Ready 77"));
            agent.Send(AgentFrameKind.Output, 2, new byte[] { 2, 2 });
            agent.Send(AgentFrameKind.Output, 1, new byte[] { 1 });
            agent.Send(AgentFrameKind.Console, 2, Encoding.UTF8.GetBytes("two says"));
            Assert.Equal(new byte[] { 1 }, ReadExactly(one.FromWorker, 1));
            Assert.Equal(new byte[] { 2, 2 }, ReadExactly(two.FromWorker, 2));
            Assert.Equal("two says", two.Console.ReadLine());

            // What the session reads goes back as credit, tagged with the worker.
            AgentFrame ack;
            do
            {
                Assert.True(agent.FromSession.TryRead(out ack));
            }
            while (ack.Kind != AgentFrameKind.Ack || ack.Worker != 2);
            Assert.Equal(2, ack.Int32());

            two.ToWorker.Write(new byte[] { 9, 8, 7 }, 0, 3);
            AgentFrame data = agent.Next();
            Assert.Equal((AgentFrameKind.Data, 2u), (data.Kind, data.Worker));
            Assert.Equal(new byte[] { 9, 8, 7 }, data.Payload);

            one.Kill();
            AgentFrame kill = agent.Next();
            Assert.Equal((AgentFrameKind.Kill, 1u), (kill.Kind, kill.Worker));
            agent.Send(AgentFrameKind.Exited, 1, 137);
            Assert.True(one.WaitForExit(Long));
            Assert.Equal(137, one.ExitCode);
            Assert.Equal(0, one.FromWorker.Read(new byte[1], 0, 1));
            Assert.Null(one.Console.ReadLine());

            // The other worker goes on.
            Assert.Null(two.ExitCode);
            agent.Send(AgentFrameKind.Output, 2, new byte[] { 5 });
            Assert.Equal(new byte[] { 5 }, ReadExactly(two.FromWorker, 1));
            two.Dispose();
            AgentFrame close = agent.Next();
            Assert.Equal((AgentFrameKind.Close, 2u), (close.Kind, close.Worker));
            agent.Exit(0);
        }

        [Fact]
        public void ALostConnectionEndsEveryWorkerOfTheHostWithSshsStatus()
        {
            var (agent, connection) = Connect();
            AgentWorkerLink one = connection.Open()!;
            AgentWorkerLink two = connection.Open()!;
            agent.WriteError("ProcCmdlets.Ssh.Ready 10");
            agent.WriteError("Timeout, server fakehost not responding.");
            agent.Exit(255);
            Assert.True(one.WaitForExit(Long));
            Assert.True(two.WaitForExit(Long));
            Assert.Equal(255, one.ExitCode);
            Assert.Equal(255, two.ExitCode);
            Assert.Equal(0, two.FromWorker.Read(new byte[1], 0, 1));
            Assert.Contains(two.Messages, m => m.StartsWith(two.HostWrote, StringComparison.Ordinal) && m.Contains("not responding"));
            Assert.True(connection.IsClosed);
            Assert.Null(connection.Open());
            Assert.Throws<IOException>(() => one.ToWorker.Write(new byte[1], 0, 1));
        }

        [Fact]
        public void AConnectionLostBeforeItsFirstWorkerOpensGivesThatWorkerTheConnectionsEnd()
        {
            var agent = new FakeAgentProcess();
            var connection = new AgentConnection(agent, "/opt/pwsh", string.Empty, "QUJD", null);
            agent.WriteError("ssh: connect to host fakehost port 22: Connection refused");
            agent.Exit(255);
            DateTime deadline = DateTime.UtcNow + Long;
            while (!connection.IsClosed && DateTime.UtcNow < deadline)
            {
                System.Threading.Thread.Sleep(10);
            }

            Assert.Null(connection.Open());
            AgentWorkerLink first = connection.Open(evenIfLost: true)!;
            Assert.True(first.WaitForExit(TimeSpan.Zero));
            Assert.Equal(255, first.ExitCode);
            Assert.Contains("Connection refused", first.Failure(), StringComparison.Ordinal);
        }

        public static TheoryData<string, byte[]> HostileFrames() => new TheoryData<string, byte[]>
        {
            { "a worker the session never started", AgentFrameReader.Encode(AgentFrameKind.Output, 3, new byte[] { 1 }, 0, 1) },
            { "the connection's own number", AgentFrameReader.Encode(AgentFrameKind.Exited, 0, 0) },
            { "a frame only the session sends", AgentFrameReader.Encode(AgentFrameKind.Data, 1, new byte[] { 1 }, 0, 1) },
            { "credit for bytes never sent", AgentFrameReader.Encode(AgentFrameKind.Consumed, 1, 1) },
            { "an empty piece of output", AgentFrameReader.Encode(AgentFrameKind.Output, 1) },
            { "an exit status of two bytes", AgentFrameReader.Encode(AgentFrameKind.Exited, 1, new byte[] { 1, 2 }, 0, 2) },
            { "an unknown kind", new byte[] { 5, 0, 0, 0, 200, 1, 0, 0, 0 } },
            { "a 4 GB frame", new byte[] { 255, 255, 255, 255, 34, 1, 0, 0, 0 } },
        };

        [Theory]
        [MemberData(nameof(HostileFrames))]
        public void AFrameTheProtocolDoesNotAllowEndsTheHostsConnectionAndEveryWorker(string what, byte[] frame)
        {
            var (agent, connection) = Connect();
            AgentWorkerLink one = connection.Open()!;
            AgentWorkerLink two = connection.Open()!;
            agent.SendRaw(frame);
            Assert.True(one.WaitForExit(Long), what);
            Assert.True(two.WaitForExit(Long), what);
            Assert.True(agent.Killed, what);
            Assert.Contains(one.Messages, m => m.Contains("a connection the agent broke", StringComparison.Ordinal));
            Assert.Equal(143, one.ExitCode);
        }

        [Fact]
        public void OutputBeyondTheWorkersWindowEndsTheConnection()
        {
            var (agent, connection) = Connect();
            AgentWorkerLink one = connection.Open()!;
            var chunk = new byte[AgentFrameReader.MaxChunkBytes];
            for (int sent = 0; sent <= CreditWindow.DefaultBytes; sent += chunk.Length)
            {
                agent.Send(AgentFrameKind.Output, 1, chunk);
            }

            Assert.True(one.WaitForExit(Long));
            Assert.True(agent.Killed);
        }

        [Fact]
        public async Task AWorkerThatDoesNotReadHoldsBackOnlyItsOwnWriter()
        {
            var (agent, connection) = Connect();
            AgentWorkerLink slow = connection.Open()!;
            AgentWorkerLink other = connection.Open()!;
            Assert.Equal(AgentFrameKind.Start, agent.Next().Kind);
            Assert.Equal(AgentFrameKind.Start, agent.Next().Kind);
            var chunk = new byte[AgentFrameReader.MaxChunkBytes];
            var writer = Task.Run(() =>
            {
                for (int sent = 0; sent <= CreditWindow.DefaultBytes; sent += chunk.Length)
                {
                    slow.ToWorker.Write(chunk, 0, chunk.Length);
                }
            });
            for (int i = 0; i < CreditWindow.DefaultBytes / chunk.Length; i++)
            {
                AgentFrame data = agent.Next();
                Assert.Equal((AgentFrameKind.Data, 1u, chunk.Length), (data.Kind, data.Worker, data.Payload.Length));
            }

            // A window's worth is on its way and unacknowledged: the slow worker's writer waits, the other's does not.
            other.ToWorker.Write(new byte[] { 1 }, 0, 1);
            AgentFrame next = agent.Next();
            Assert.Equal((AgentFrameKind.Data, 2u), (next.Kind, next.Worker));
            Assert.False(writer.IsCompleted);

            // The agent wrote one chunk of the slow worker's input: the writer may go on.
            agent.Send(AgentFrameKind.Consumed, 1, chunk.Length);
            AgentFrame last = agent.Next();
            Assert.Equal((AgentFrameKind.Data, 1u), (last.Kind, last.Worker));
            await writer.WaitAsync(Long);
            agent.Exit(0);
        }
    }
}
