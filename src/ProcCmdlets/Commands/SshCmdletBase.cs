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
        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateSshUserName]
        public string UserName { get; set; }

        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        public string KeyFilePath { get; set; }

        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        public Hashtable Options { get; set; }

        [Parameter(ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateRemotePath]
        public string PowerShellPath { get; set; }

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
