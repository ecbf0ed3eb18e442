using System;
using System.IO;
using System.Text;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Tests.Pools;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Tests.Transport
{
    /// <summary>
    /// Plays the ssh client of a host agent's connection: the test reads the frames the session sends
    /// (<see cref="FromSession"/>), writes the agent's (<see cref="Send"/>, or any bytes at all with
    /// <see cref="SendRaw"/>), and ends the connection as a lost one would.
    /// </summary>
    internal sealed class FakeAgentProcess : AgentProcess
    {
        private readonly SimPipe _toAgent = new SimPipe();
        private readonly SimPipe _fromAgent = new SimPipe();
        private readonly SimPipe _errors = new SimPipe();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private int? _exitCode;

        public FakeAgentProcess()
        {
            FromSession = new AgentFrameReader(_toAgent);
        }

        public override int Id => 4242;

        public override string Location => "fakehost";

        public override Stream ToAgent => _toAgent;

        public override Stream FromAgent => _fromAgent;

        public override TextReader Errors => new StreamReader(_errors, new UTF8Encoding(false));

        public override int? ExitCode => _exitCode;

        /// <summary>The frames the session sent, in order (after the Configure frame the connection opens with).</summary>
        public AgentFrameReader FromSession { get; }

        public bool Killed { get; private set; }

        public void Send(AgentFrameKind kind, uint worker, byte[] payload) => SendRaw(AgentFrameReader.Encode(kind, worker, payload, 0, payload.Length));

        public void Send(AgentFrameKind kind, uint worker, int value) => SendRaw(AgentFrameReader.Encode(kind, worker, value));

        public void SendRaw(byte[] bytes) => _fromAgent.Write(bytes, 0, bytes.Length);

        public void WriteError(string line)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
            _errors.Write(bytes, 0, bytes.Length);
        }

        /// <summary>Reads the session's next frame that is not an acknowledgement.</summary>
        public AgentFrame Next()
        {
            while (true)
            {
                if (!FromSession.TryRead(out AgentFrame frame))
                {
                    throw new EndOfStreamException("The session closed the connection.");
                }

                if (frame.Kind != AgentFrameKind.Ack)
                {
                    return frame;
                }
            }
        }

        /// <summary>The connection ends with ssh's <paramref name="status"/>.</summary>
        public void Exit(int status)
        {
            _exitCode ??= status;
            _fromAgent.Close();
            _errors.Close();
            _exited.Set();
        }

        public override string Failure(string[] messages, int? exitCode) => string.Join(" ", messages) + $" (exit status {exitCode})";

        public override void Kill()
        {
            Killed = true;
            Exit(143);
        }

        public override bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);
    }
}
