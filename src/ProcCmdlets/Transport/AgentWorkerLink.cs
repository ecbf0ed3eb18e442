using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A worker carried by a host agent, as the session sees it: the same streams, console, kill and
    /// exit status as a worker with a connection of its own, over its share of the host's one
    /// connection. It ends when the agent says the worker exited (its own status), or with the
    /// connection (ssh's status, as a worker behind its own ssh would).
    /// </summary>
    internal sealed class AgentWorkerLink : WorkerLink, IHostLink
    {
        private const int MessageLimit = 50;

        private readonly AgentConnection _connection;
        private readonly AgentOutbound _toWorker;
        private readonly AgentInbound _fromWorker;
        private readonly LineQueueReader _console = new LineQueueReader();
        private readonly List<string> _messages = new List<string>();
        private readonly ManualResetEventSlim _exited = new ManualResetEventSlim();
        private int? _exitCode;

        public AgentWorkerLink(AgentConnection connection, uint worker)
        {
            _connection = connection;
            Worker = worker;
            _toWorker = new AgentOutbound(worker, connection.Send);
            _fromWorker = new AgentInbound(n => connection.Send(AgentFrameReader.Encode(AgentFrameKind.Ack, worker, n)));
        }

        /// <summary>Its number on the connection.</summary>
        public uint Worker { get; }

        /// <summary>The local ssh client's process id, shared by every worker of the host: killing it ends them all.</summary>
        public override int ProcessId => _connection.ProcessId;

        public override string Location => _connection.Location;

        public override Stream ToWorker => _toWorker;

        public override Stream FromWorker => _fromWorker;

        public override TextReader Console => _console;

        /// <summary>A host is trusted less than the session's own processes (see docs/architecture.md, "The bytes between").</summary>
        public override int MaxFrameBytes => FrameReader.RemoteMaxFrameBytes;

        /// <summary>The worker's process id on its host, once its bootstrap said it runs; 0 before.</summary>
        public int RemoteProcessId { get; private set; }

        public override int? ExitCode
        {
            get
            {
                lock (_messages)
                {
                    return _exitCode;
                }
            }
        }

        public string[] Messages
        {
            get
            {
                var all = new List<string>(_connection.Messages);
                lock (_messages)
                {
                    all.AddRange(_messages);
                }

                return all.ToArray();
            }
        }

        public string HostWrote => _connection.HostWrote;

        public string Failure() => _connection.Failure(Messages, ExitCode);

        /// <summary>
        /// Calls <paramref name="answered"/> once, on some thread, when the host has answered: its
        /// agent's ready line (ssh logged in, the agent runs on a pwsh it accepts, and the host's
        /// workers start on that pwsh). At once if it already has; never if it does not.
        /// </summary>
        public void WhenHostAnswers(Action answered) => _connection.Answered.Add(answered);

        public override void Kill() => _connection.Send(AgentFrameReader.Encode(AgentFrameKind.Kill, Worker));

        public override bool WaitForExit(TimeSpan timeout) => _exited.Wait(timeout);

        public override void Dispose()
        {
            _toWorker.Dispose();
            base.Dispose();
        }

        internal AgentOutbound Outbound => _toWorker;

        internal AgentInbound Inbound => _fromWorker;

        /// <summary>A console line of the worker's: before its ready line, what its pwsh said about starting (kept as a message).</summary>
        internal void OnConsole(string line)
        {
            if (RemoteProcessId == 0)
            {
                int? pid = ReadyLine.Parse(line);
                if (pid.HasValue)
                {
                    Channel.DebugTrace.Write("agent connection {0}: worker {1} ready as process {2}", Location, Worker, pid.Value);
                    RemoteProcessId = pid.Value == 0 ? -1 : pid.Value;
                    return;
                }

                lock (_messages)
                {
                    _messages.Add(line);
                    if (_messages.Count > MessageLimit)
                    {
                        _messages.RemoveAt(0);
                    }
                }

                return;
            }

            _console.Add(line);
        }

        /// <summary>The worker exited with <paramref name="status"/> (or the connection ended): its streams end.</summary>
        internal void OnExited(int status)
        {
            _toWorker.Window.Cancel();
            _fromWorker.End();
            _console.Complete();
            lock (_messages)
            {
                if (_exitCode.HasValue)
                {
                    return;
                }

                _exitCode = status;
            }

            _exited.Set();
        }
    }
}
