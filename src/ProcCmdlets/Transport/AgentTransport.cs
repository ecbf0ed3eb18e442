namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Workers on one other host, all over one ssh connection to a host agent there (docs/protocol.md,
    /// "The host agent"): the first worker opens the connection, the others share it, and a worker
    /// asked for after the connection was lost (or closed for want of workers) opens a new one.
    /// </summary>
    internal sealed class AgentTransport : IWorkerTransport
    {
        private readonly object _lock = new object();
        private AgentConnection? _connection;

        public AgentTransport(SshTarget target)
        {
            Target = target;
        }

        public SshTarget Target { get; }

        public string Location => Target.Location;

        /// <summary>Opens a worker on the host's connection, starting ssh first when there is none; returns at once.</summary>
        public WorkerLink Start(string workingDirectory)
        {
            lock (_lock)
            {
                AgentWorkerLink? link = _connection?.Open();
                if (link == null)
                {
                    _connection = new AgentConnection(SshAgentProcess.Start(Target), Target.HostName, Target.PowerShellPath, SshBootstrap.EncodedCommand, SshBootstrap.WriteImage);
                    link = _connection.Open(evenIfLost: true)!;
                }

                return link;
            }
        }
    }
}
