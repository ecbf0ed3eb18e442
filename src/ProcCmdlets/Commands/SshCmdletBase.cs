using System.Collections;
using System.Management.Automation;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// The connection parameters of the cmdlets that start workers on other hosts (New-ProcessPool,
    /// Start-WorkerProcess), declared once. Each cmdlet declares its own -HostName (one host or many),
    /// validated with <see cref="ValidateSshHostEntryAttribute"/>.
    /// </summary>
    public abstract class SshCmdletBase : ProcCmdletBase
    {
        /// <summary>The user to log in as on every host whose entry names none (<c>ssh -l</c>).</summary>
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateSshUserName]
        public string? UserName { get; set; }

        /// <summary>The SSH port of every host whose entry names none (<c>ssh -p</c>).</summary>
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>The private key file to log in with (<c>ssh -i</c>).</summary>
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        public string? KeyFilePath { get; set; }

        /// <summary>ssh options, each entry becoming <c>ssh -o Key=Value</c>, such as <c>@{ ConnectTimeout = 5; UserKnownHostsFile = '~/.ssh/lab_hosts' }</c>.</summary>
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        public Hashtable? Options { get; set; }

        /// <summary>The PowerShell 7.2 or later executable on the hosts.</summary>
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateRemotePath]
        public string? PowerShellPath { get; set; }

        /// <summary>The parameters' values as one object, the key file's path made full.</summary>
        internal SshConnectionOptions ConnectionOptions(string sshPath) => new SshConnectionOptions
        {
            UserName = UserName,
            Port = Port,
            KeyFilePath = KeyFilePath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
            Options = Options,
            PowerShellPath = PowerShellPath,
            SshPath = sshPath,
        };
    }
}
