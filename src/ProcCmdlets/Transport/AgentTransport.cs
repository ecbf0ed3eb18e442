using System;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Workers on one other host (or Slurm node), all over one connection to a host agent there
    /// (docs/protocol.md, "The host agent"): the first worker opens the connection, the others share
    /// it, and a worker asked for after the connection was lost (or closed for want of workers)
    /// opens a new one.
    /// </summary>
    internal sealed class AgentTransport : IWorkerTransport
    {
        private readonly object _lock = new object();
        private readonly Func<AgentConnection> _connect;
        private AgentConnection? _connection;

        /// <param name="location">Where the workers run, as their Location shows it.</param>
        /// <param name="connect">Starts a connection (ssh, srun) and its agent; returns at once.</param>
        public AgentTransport(string location, Func<AgentConnection> connect)
        {
            Location = location;
            _connect = connect;
        }

        /// <summary>A host over ssh.</summary>
        public AgentTransport(SshTarget target)
            : this(target.Location, () => new AgentConnection(SshAgentProcess.Start(target), target.PowerShellPath, string.Empty, SshBootstrap.AgentWorkerEncodedCommand, SshBootstrap.WriteImage))
        {
        }

        public string Location { get; }

        /// <summary>Opens a worker on the host's connection, starting one first when there is none; returns at once.</summary>
        public WorkerLink Start(string? workingDirectory)
        {
            lock (_lock)
            {
                AgentWorkerLink? link = _connection?.Open();
                if (link == null)
                {
                    _connection = _connect();
                    Channel.DebugTrace.Write("agent connection {0}: process {1} started", Location, _connection.ProcessId);
                    link = _connection.Open(evenIfLost: true)!;
                }

                Channel.DebugTrace.Write("agent connection {0}: worker {1} opened", Location, link.Worker);

                return link;
            }
        }
    }
}
