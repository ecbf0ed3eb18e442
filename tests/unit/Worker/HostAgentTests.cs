using System;
using System.IO;
using System.Text;
using ProcCmdlets.Channel;
using ProcCmdlets.Tests.Pools;
using ProcCmdlets.Transport;
using ProcCmdlets.Worker;
using Xunit;

namespace ProcCmdlets.Tests.Worker
{
    /// <summary>The agent's side of the connection checks the session as the session checks it; no worker process is started here.</summary>
    public class HostAgentTests
    {
        private static HostAgent Agent(Stream output) => new HostAgent(new MemoryStream(), output, new byte[] { 1, 2, 3 });

        private static AgentFrame Frame(byte[] encoded)
        {
            Assert.True(new AgentFrameReader(new MemoryStream(encoded)).TryRead(out AgentFrame frame));
            return frame;
        }

        private static AgentFrame Configure() => Frame(AgentConnection.Configure("/nonexistent/pwsh", string.Empty, "QUJD"));

        [Fact]
        public void FramesTheProtocolDoesNotAllowFromTheSessionAreRefused()
        {
            var agent = Agent(new SimPipe());
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 1))));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Configure, 0, new byte[] { 200, 0, 0, 0, 65 }, 0, 5))));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Configure, 0, new byte[] { 1, 0, 0, 0, 65, 255, 255, 255, 127 }, 0, 9))));
            agent.Handle(Configure());
            Assert.Throws<InvalidDataException>(() => agent.Handle(Configure()));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 2))));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Data, 1, new byte[] { 1 }, 0, 1))));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Kill, 0))));
            Assert.Throws<InvalidDataException>(() => agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Output, 1, new byte[] { 1 }, 0, 1))));
        }

        [Fact]
        public void AWorkerThatCannotStartSaysWhyAndExitsAndLaterFramesForItAreDropped()
        {
            var output = new SimPipe();
            var agent = Agent(output);
            agent.Handle(Configure());
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 1)));
            var reader = new AgentFrameReader(output);
            Assert.True(reader.TryRead(out AgentFrame console));
            Assert.Equal((AgentFrameKind.Console, 1u), (console.Kind, console.Worker));
            Assert.Contains("/nonexistent/pwsh", Encoding.UTF8.GetString(console.Payload), StringComparison.Ordinal);
            Assert.True(reader.TryRead(out AgentFrame exited));
            Assert.Equal((AgentFrameKind.Exited, 1u, 127), (exited.Kind, exited.Worker, exited.Int32()));

            // Input sent before the session knew: acknowledged, so that the session's window is not lost.
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Data, 1, new byte[] { 1, 2 }, 0, 2)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Kill, 1)));
            Assert.True(reader.TryRead(out AgentFrame consumed));
            Assert.Equal((AgentFrameKind.Consumed, 1u, 2), (consumed.Kind, consumed.Worker, consumed.Int32()));
        }

        [Fact]
        public void TheAgentEndsWhenItsConnectionEndsInsideAFrame()
        {
            var output = new SimPipe();
            var agent = new HostAgent(new MemoryStream(new byte[] { 9, 0, 0, 0, 3 }), output, new byte[] { 1 });
            Assert.Equal(65, agent.Run());
        }
    
        [Fact]
        public void AWorkersPwshStartsWithTheLocalWorkersRuntimeTuningAndIsToldToRemoveIt()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            // The "pwsh" is sh printing its environment; the agent's arguments follow as sh's $0 and $@.
            var output = new SimPipe();
            var agent = Agent(output);
            agent.Handle(Frame(AgentConnection.Configure("/bin/sh", "-c env sh", "QUJD")));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 1)));
            var reader = new AgentFrameReader(output);
            var printed = new StringBuilder();
            while (reader.TryRead(out AgentFrame frame) && frame.Kind != AgentFrameKind.Exited)
            {
                if (frame.Kind == AgentFrameKind.Output)
                {
                    printed.Append(Encoding.UTF8.GetString(frame.Payload));
                }
            }

            string[] lines = printed.ToString().Split('\n');
            foreach (string expected in new[] { "DOTNET_TieredPGO=0", "DOTNET_GCgen0size=0x400000", "DOTNET_gcConcurrent=0", "POWERSHELL_TELEMETRY_OPTOUT=1" })
            {
                if (Environment.GetEnvironmentVariable(expected.Split('=')[0]) == null)
                {
                    Assert.Contains(expected, lines);
                    Assert.Contains(lines, l => l.StartsWith("PROCCMDLETS_UNSET_TUNING=", StringComparison.Ordinal) && l.Contains(expected.Split('=')[0] + ";", StringComparison.Ordinal));
                }
            }
        }
        [Fact]
        public void AHostsWorkersStartOnceItsFirstHasAnswered()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            // The "pwsh" is sh saying, after a second, that it loaded the image (as a worker does on its
            // standard error), then writing and reading its input to the end.
            var output = new SimPipe();
            var agent = Agent(output);
            agent.Handle(Frame(AgentConnection.Configure("/bin/sh", "-c \"sleep 1; echo ProcCmdlets.Ssh.Ready $$ >&2; echo ready; cat >/dev/null\" sh", "QUJD")));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 1)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 2)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 3)));
            var reader = new AgentFrameReader(output);
            var seen = new System.Collections.Generic.List<(AgentFrameKind, uint)>();
            int exited = 0;
            while (exited < 3 && reader.TryRead(out AgentFrame frame))
            {
                seen.Add((frame.Kind, frame.Worker));
                if (frame.Kind == AgentFrameKind.Output && frame.Worker == 1)
                {
                    agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Close, 1)));
                }
                else if (frame.Kind == AgentFrameKind.Started && frame.Worker != 1)
                {
                    agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Close, frame.Worker)));
                }
                else if (frame.Kind == AgentFrameKind.Exited)
                {
                    exited++;
                }
            }

            int answered = seen.IndexOf((AgentFrameKind.Console, 1u));
            Assert.True(answered > seen.IndexOf((AgentFrameKind.Started, 1u)));
            Assert.True(seen.IndexOf((AgentFrameKind.Started, 2u)) > answered, string.Join(", ", seen));
            Assert.True(seen.IndexOf((AgentFrameKind.Started, 3u)) > answered, string.Join(", ", seen));
        }

        [Fact]
        public void AWorkerKilledWhileWaitingForItsTurnNeverStartsAndIsReportedEnded()
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            // Worker 1 never answers, so worker 2 waits; the session kills both.
            var output = new SimPipe();
            var agent = Agent(output);
            agent.Handle(Frame(AgentConnection.Configure("/bin/sh", "-c \"cat >/dev/null\" sh", "QUJD")));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 1)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Start, 2)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Data, 2, new byte[] { 1, 2, 3 }, 0, 3)));
            agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Kill, 2)));
            var reader = new AgentFrameReader(output);
            var seen = new System.Collections.Generic.List<(AgentFrameKind, uint, int)>();
            while (reader.TryRead(out AgentFrame frame))
            {
                seen.Add((frame.Kind, frame.Worker, frame.Kind == AgentFrameKind.Exited || frame.Kind == AgentFrameKind.Consumed ? frame.Int32() : 0));
                if (frame.Kind == AgentFrameKind.Exited && frame.Worker == 2)
                {
                    agent.Handle(Frame(AgentFrameReader.Encode(AgentFrameKind.Kill, 1)));
                }
                else if (frame.Kind == AgentFrameKind.Exited)
                {
                    break;
                }
            }

            Assert.DoesNotContain(seen, f => f.Item1 == AgentFrameKind.Started && f.Item2 == 2);
            Assert.Contains((AgentFrameKind.Consumed, 2u, 3), seen);
            Assert.Contains((AgentFrameKind.Exited, 2u, 137), seen);
            Assert.Contains(seen, f => f.Item1 == AgentFrameKind.Exited && f.Item2 == 1);
        }
    }
}
