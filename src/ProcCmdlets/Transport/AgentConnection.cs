using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using ProcCmdlets.Channel;
using ProcCmdlets.Channel.Protocol;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// The session's end of one host's connection (one ssh client) to its host agent: it opens
    /// workers on it and splits what the agent sends into their links. One thread serves every
    /// worker of the host, the writer (<see cref="AgentSender"/>); this reader and ssh's standard error's
    /// are asynchronous and hold no thread while they wait. A frame the protocol does not allow ends the
    /// connection and all its workers; one with no workers closes after <see cref="IdlePeriod"/>.
    /// </summary>
    internal sealed class AgentConnection
    {
        /// <summary>How long a connection without workers stays open for the next one.</summary>
        public static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(2);

        private const int MessageLimit = 50;

        private readonly AgentProcess _process;
        private readonly AgentSender _sender;
        private readonly object _lock = new object();
        private readonly Dictionary<uint, AgentWorkerLink> _links = new Dictionary<uint, AgentWorkerLink>();
        private readonly List<string> _messages = new List<string>();
        private readonly Task _errors;
        private int _idleSince;
        private uint _lastWorker;
        private bool _closing;
        private bool _lost;
        private int _lostStatus;

        /// <param name="process">The agent's process (the local ssh client) and its three streams.</param>
        /// <param name="powerShellPath">The remote pwsh, which the agent starts its workers with.</param>
        /// <param name="powerShellArguments">Arguments before pwsh's own (pwsh.dll, when the program is dotnet), as one command line; empty for none.</param>
        /// <param name="encodedBootstrap">The worker bootstrap the agent starts them with.</param>
        /// <param name="prefix">What the connection carries before the first frame (the assembly), or null.</param>
        public AgentConnection(AgentProcess process, string powerShellPath, string powerShellArguments, string encodedBootstrap, Action<Stream>? prefix)
        {
            _process = process;
            _sender = new AgentSender(process.ToAgent, $"ProcCmdlets agent writer {process.Id}", prefix);
            _sender.Send(Configure(powerShellPath, powerShellArguments, encodedBootstrap));
            _errors = Task.Run(ReadErrors);
            Task.Run(ReadFrames);
        }

        public int ProcessId => _process.Id;

        /// <summary>What waits for the agent's ready line (written once it runs on a pwsh it accepts).</summary>
        public ReadyCallbacks Answered { get; } = new ReadyCallbacks();

        public string Location => _process.Location;

        /// <summary>What a message kept after the ready line starts with: the host, not ssh, may have written it.</summary>
        public string HostWrote => Location + " wrote: ";

        /// <summary>The connection is gone, or going: new workers need a new one.</summary>
        public bool IsClosed
        {
            get
            {
                lock (_lock)
                {
                    return _closing || _lost;
                }
            }
        }

        /// <summary>What ssh wrote (and the host after the agent started), oldest first.</summary>
        public string[] Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToArray();
                }
            }
        }

        /// <summary>
        /// Opens a worker on the connection; null when the connection is closed or closing, unless
        /// <paramref name="evenIfLost"/> (the first worker of a new connection, which may already have
        /// failed): that worker has then ended with the connection.
        /// </summary>
        public AgentWorkerLink? Open(bool evenIfLost = false)
        {
            lock (_lock)
            {
                if (_lost && evenIfLost)
                {
                    var ended = new AgentWorkerLink(this, ++_lastWorker);
                    ended.OnExited(_lostStatus);
                    return ended;
                }

                if (_closing || _lost)
                {
                    return null;
                }

                _idleSince++;
                var link = new AgentWorkerLink(this, ++_lastWorker);
                _links.Add(link.Worker, link);
                _sender.Send(AgentFrameReader.Encode(AgentFrameKind.Start, link.Worker));
                return link;
            }
        }

        /// <summary>Queues a frame to the agent; false once the connection is gone.</summary>
        public bool Send(byte[] frame) => _sender.Send(frame);

        /// <summary>Why a worker of this connection did not start or ended with it, in ssh's words.</summary>
        public string Failure(string[] messages, int? exitCode) => _process.Failure(messages, exitCode);

        /// <summary>The encoded Configure frame: the remote pwsh's path and the arguments before pwsh's own (each length-prefixed UTF-8), and the worker bootstrap.</summary>
        public static byte[] Configure(string powerShellPath, string powerShellArguments, string encodedBootstrap)
        {
            byte[] path = Encoding.UTF8.GetBytes(powerShellPath);
            byte[] arguments = Encoding.UTF8.GetBytes(powerShellArguments);
            byte[] bootstrap = Encoding.UTF8.GetBytes(encodedBootstrap);
            var payload = new byte[8 + path.Length + arguments.Length + bootstrap.Length];
            BitConverter.GetBytes(path.Length).CopyTo(payload, 0);
            path.CopyTo(payload, 4);
            BitConverter.GetBytes(arguments.Length).CopyTo(payload, 4 + path.Length);
            arguments.CopyTo(payload, 8 + path.Length);
            bootstrap.CopyTo(payload, 8 + path.Length + arguments.Length);
            return AgentFrameReader.Encode(AgentFrameKind.Configure, 0, payload, 0, payload.Length);
        }

        private async Task ReadFrames()
        {
            try
            {
                var reader = new AgentFrameReader(_process.FromAgent);
                do
                {
                    while (reader.TryTake(out AgentFrame frame))
                    {
                        Dispatch(frame);
                    }
                }
                while (await reader.FillAsync().ConfigureAwait(false));
            }
            catch (Exception e)
            {
                // A host that breaks the protocol is a lost host: nothing it sends after that is believed.
                AddMessage($"{HostWrote}a connection the agent broke: {e.Message}");
                _process.Kill();
            }

            _sender.Complete();
            await Task.WhenAny(_errors, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);

            // ssh's output has ended, so it has exited or is exiting: this wait is short.
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }

            int status = _process.ExitCode ?? 255;
            List<AgentWorkerLink> links;
            lock (_lock)
            {
                _lost = true;
                _lostStatus = status;
                links = new List<AgentWorkerLink>(_links.Values);
                _links.Clear();
            }

            foreach (AgentWorkerLink link in links)
            {
                link.OnExited(status);
            }

            _process.Dispose();
        }

        /// <summary>One frame from the agent; InvalidDataException when the protocol does not allow it.</summary>
        internal void Dispatch(AgentFrame frame)
        {
            AgentWorkerLink? link = LinkOf(frame);
            if (link == null)
            {
                return;
            }

            switch (frame.Kind)
            {
                case AgentFrameKind.Started:
                    frame.Int32();
                    break;
                case AgentFrameKind.Output:
                    if (!link.Inbound.Add(frame.Payload))
                    {
                        throw new InvalidDataException($"The agent sent worker {frame.Worker}'s output beyond its window (or empty).");
                    }

                    break;
                case AgentFrameKind.Console:
                    if (frame.Payload.Length > AgentFrameReader.MaxLineChars * 3)
                    {
                        throw new InvalidDataException($"The agent sent a console line of {frame.Payload.Length} bytes.");
                    }

                    link.OnConsole(Encoding.UTF8.GetString(frame.Payload));
                    break;
                case AgentFrameKind.Consumed:
                    if (!link.Outbound.Window.Return(frame.Int32()))
                    {
                        throw new InvalidDataException($"The agent acknowledged more of worker {frame.Worker}'s input than it was sent.");
                    }

                    break;
                case AgentFrameKind.Exited:
                    OnExited(frame.Worker, frame.Int32(), link);
                    break;
                default:
                    throw new InvalidDataException($"The agent sent a {frame.Kind} frame, which only the session sends.");
            }
        }

        /// <summary>
        /// The link a frame is for; null for an acknowledgement of input to a worker that has exited
        /// since (the frame is then dropped). A frame for a worker never started, or of another kind
        /// for one that exited, throws InvalidDataException.
        /// </summary>
        private AgentWorkerLink? LinkOf(AgentFrame frame)
        {
            AgentWorkerLink? link;
            lock (_lock)
            {
                if (frame.Worker == 0 || frame.Worker > _lastWorker)
                {
                    throw new InvalidDataException($"The agent sent a {frame.Kind} frame for worker {frame.Worker}, which the session never started.");
                }

                _links.TryGetValue(frame.Worker, out link);
            }

            if (link == null && frame.Kind != AgentFrameKind.Consumed)
            {
                throw new InvalidDataException($"The agent sent a {frame.Kind} frame for worker {frame.Worker} after it exited.");
            }

            // A Consumed frame for a worker that exited while its input was on the way: the agent still acknowledges it.
            return link;
        }

        /// <summary>A worker exited: it leaves the connection, which closes once no worker has used it for a while.</summary>
        private void OnExited(uint worker, int status, AgentWorkerLink link)
        {
            lock (_lock)
            {
                _links.Remove(worker);
                if (_links.Count == 0 && !_closing && !_lost)
                {
                    int since = ++_idleSince;
                    Task.Delay(IdlePeriod).ContinueWith(_ => CloseIfIdle(since), TaskScheduler.Default);
                }
            }

            link.OnExited(status);
        }

        /// <summary>Closes the connection if it has had no worker since the last one exited (<paramref name="since"/>).</summary>
        private void CloseIfIdle(int since)
        {
            bool ready;
            lock (_lock)
            {
                if (since != _idleSince || _links.Count > 0 || _closing || _lost)
                {
                    return;
                }

                _closing = true;
                ready = Answered.IsReady;
            }

            if (!ready)
            {
                _process.Kill();
                return;
            }

            // The agent exits when its input closes; a host that does not let it is ended from here.
            _sender.Complete();
            Task.Run(() =>
            {
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill();
                }
            });
        }

        private async Task ReadErrors()
        {
            try
            {
                TextReader reader = new BoundedLineReader(_process.Errors);
                string? line;
                while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) != null)
                {
                    if (!Answered.IsReady && ReadyLine.Parse(line).HasValue)
                    {
                        Answered.Set();
                        continue;
                    }

                    // After the ready line the host writes what it likes here: never shown as ssh's own.
                    AddMessage(Answered.IsReady ? HostWrote + line : line);
                }
            }
            catch (Exception)
            {
                // ssh's standard error is gone with it.
            }
        }

        private void AddMessage(string line)
        {
            if (line.Length == 0)
            {
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
        }
    }
}
