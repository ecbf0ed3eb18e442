namespace ProcCmdlets.Transport
{
    /// <summary>A local ssh client running the host agent's bootstrap on the remote pwsh.</summary>
    internal sealed class SshAgentProcess : LocalAgentProcess
    {
        private readonly SshTarget _target;

        private SshAgentProcess(System.Diagnostics.Process process, SshTarget target)
            : base(process)
        {
            _target = target;
        }

        public override string Location => _target.Location;

        /// <summary>Starts ssh with the agent's bootstrap; returns at once.</summary>
        public static SshAgentProcess Start(SshTarget target) =>
            new SshAgentProcess(StartRedirected(target.SshPath, target.Arguments(target.RemoteCommand(SshBootstrap.AgentEncodedCommand))), target);

        public override string Failure(string[] messages, int? exitCode) => SshFailure.Describe(messages, exitCode, _target.HostName, _target.PowerShellPath);
    }
}
