using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// The far end of a host's one connection: it starts the host's workers as local processes
    /// (the worker bootstrap, fed the assembly it received once), relays each one's channel and
    /// console tagged with its number, and ends them all when the connection closes. The session is
    /// checked as the session checks it: a frame the protocol does not allow ends the agent.
    /// </summary>
    internal sealed class HostAgent
    {
        private readonly Stream _input;
        private readonly byte[] _image;
        private readonly AgentSender _sender;
        private readonly Dictionary<uint, AgentChild> _children = new Dictionary<uint, AgentChild>();
        private string? _powerShellPath;
        private string? _arguments;
        private string? _bootstrap;
        private uint _lastStarted;

        // Workers the session asked for while the host's first one was still starting: they start
        // once it has answered (or ended), so that it starts alone on the host's cores. Under lock (_children).
        private readonly Queue<AgentChild> _waiting = new Queue<AgentChild>();
        private AgentChild? _pacer;

        public HostAgent(Stream input, Stream output, byte[] image)
        {
            _input = input;
            _image = image;
            _sender = new AgentSender(output, "ProcCmdlets agent writer");
        }

        /// <summary>Serves frames until the connection ends; every worker ends with it. Returns the agent's exit status.</summary>
        public int Run()
        {
            int status = 0;
            try
            {
                var reader = new AgentFrameReader(_input);
                while (reader.TryRead(out AgentFrame frame))
                {
                    Handle(frame);
                }
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException)
            {
                Console.Error.WriteLine("ProcCmdlets agent: " + e.Message);
                status = 65;
            }
            finally
            {
                lock (_children)
                {
                    foreach (AgentChild child in _children.Values)
                    {
                        child.Kill();
                        child.Outbound.Cancel();
                    }
                }

                _sender.Complete();
            }

            return status;
        }

        /// <summary>One frame from the session; InvalidDataException when the protocol does not allow it.</summary>
        internal void Handle(AgentFrame frame)
        {
            switch (frame.Kind)
            {
                case AgentFrameKind.Configure:
                    Configure(frame);
                    return;
                case AgentFrameKind.Start:
                    Start(frame.Worker);
                    return;
                case AgentFrameKind.Data:
                case AgentFrameKind.Close:
                case AgentFrameKind.Kill:
                case AgentFrameKind.Ack:
                    break;
                default:
                    throw new InvalidDataException($"The session sent a {frame.Kind} frame, which only an agent sends.");
            }

            AgentChild? child = ChildOf(frame);
            if (child == null)
            {
                return;
            }

            switch (frame.Kind)
            {
                case AgentFrameKind.Data:
                    if (frame.Payload.Length == 0 || !child.Inbound.Arrive(frame.Payload.Length))
                    {
                        throw new InvalidDataException($"The session sent worker {frame.Worker} more than its window.");
                    }

                    child.Write(frame.Payload);
                    break;
                case AgentFrameKind.Close:
                    child.CloseInput();
                    break;
                case AgentFrameKind.Kill:
                    if (!Withdraw(child))
                    {
                        child.Kill();
                    }

                    break;
                case AgentFrameKind.Ack:
                    if (!child.Outbound.Return(frame.Int32()))
                    {
                        throw new InvalidDataException($"The session acknowledged more of worker {frame.Worker}'s output than it was sent.");
                    }

                    break;
            }
        }

        /// <summary>
        /// The worker a frame is for; null when it has exited (input sent to it before the session knew
        /// is acknowledged and dropped). A frame for a worker never started throws InvalidDataException.
        /// </summary>
        private AgentChild? ChildOf(AgentFrame frame)
        {
            if (frame.Worker == 0 || frame.Worker > _lastStarted)
            {
                throw new InvalidDataException($"The session sent a {frame.Kind} frame for worker {frame.Worker}, which it never started.");
            }

            AgentChild? child;
            lock (_children)
            {
                _children.TryGetValue(frame.Worker, out child);
            }

            if (child == null && frame.Kind == AgentFrameKind.Data)
            {
                // That worker has exited: what the session sent it before it knew has nowhere to go.
                _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Consumed, frame.Worker, frame.Payload.Length));
            }

            return child;
        }

        private void Configure(AgentFrame frame)
        {
            if (_powerShellPath != null || frame.Worker != 0 || frame.Payload.Length < 4)
            {
                throw new InvalidDataException("The session configured the agent twice or not as the protocol says.");
            }

            byte[] p = frame.Payload;
            int pathBytes = Length(p, 0);
            if (pathBytes <= 0 || pathBytes > p.Length - 8)
            {
                throw new InvalidDataException("The session's Configure frame is malformed.");
            }

            int argumentBytes = Length(p, 4 + pathBytes);
            if (argumentBytes < 0 || argumentBytes > p.Length - 8 - pathBytes)
            {
                throw new InvalidDataException("The session's Configure frame is malformed.");
            }

            _arguments = Encoding.UTF8.GetString(p, 8 + pathBytes, argumentBytes);
            _bootstrap = Encoding.UTF8.GetString(p, 8 + pathBytes + argumentBytes, p.Length - 8 - pathBytes - argumentBytes);
            _powerShellPath = Encoding.UTF8.GetString(p, 4, pathBytes);
            DebugTrace.Write("agent: configured to start workers with {0}", _powerShellPath);
        }

        private static int Length(byte[] payload, int offset) =>
            payload[offset] | payload[offset + 1] << 8 | payload[offset + 2] << 16 | payload[offset + 3] << 24;

        private void Start(uint worker)
        {
            if (_powerShellPath == null || _arguments == null || _bootstrap == null)
            {
                throw new InvalidDataException("The session started a worker before it configured the agent.");
            }

            if (worker != _lastStarted + 1)
            {
                throw new InvalidDataException($"The session started worker {worker} after worker {_lastStarted}: numbers go up by one.");
            }

            _lastStarted = worker;
            var child = new AgentChild(worker, _sender, _image, Ended, Answered);
            lock (_children)
            {
                _children.Add(worker, child);
                if (_pacer != null)
                {
                    // Measured on the 2-core test machine, quiet: a pool of 2 hosts x 4 reached its first
                    // result in 5.97 s (2.34x a local pool of 8) with each host's four workers started
                    // together after the agent's own pwsh, and in 4.17 s (1.64x) with the first alone.
                    DebugTrace.Write("agent: worker {0} waits for worker {1}'s first answer", worker, _pacer.Id);
                    _waiting.Enqueue(child);
                    return;
                }

                _pacer = child;
            }

            Launch(child);
        }

        private void Launch(AgentChild child)
        {
            DebugTrace.Write("agent: starting worker {0}", child.Id);
            child.Start(_powerShellPath!, _arguments!, _bootstrap!);
        }

        /// <summary>A worker's first output (or its end): the workers waiting for it start.</summary>
        private void Answered(AgentChild child)
        {
            var start = new List<AgentChild>();
            lock (_children)
            {
                if (_pacer != child)
                {
                    return;
                }

                _pacer = null;
                start.AddRange(_waiting);
                _waiting.Clear();
            }

            foreach (AgentChild next in start)
            {
                Launch(next);
            }
        }

        /// <summary>True when <paramref name="child"/> was still waiting its turn: it is ended without ever starting.</summary>
        private bool Withdraw(AgentChild child)
        {
            lock (_children)
            {
                if (!_waiting.Contains(child))
                {
                    return false;
                }

                var others = new Queue<AgentChild>(_waiting.Where(c => c != child));
                _waiting.Clear();
                foreach (AgentChild other in others)
                {
                    _waiting.Enqueue(other);
                }
            }

            child.Abandon();
            return true;
        }

        private void Ended(AgentChild child)
        {
            lock (_children)
            {
                _children.Remove(child.Id);
            }

            Answered(child);
        }
    }
}
