using System.Collections;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// How every host of one call is reached: the values of the cmdlet's connection parameters (a
    /// <c>[user@]host[:port]</c> entry overrides the user and port for its host) and the ssh client
    /// that was found.
    /// </summary>
    internal sealed class SshConnectionOptions
    {
        public string? UserName { get; set; }

        /// <summary>0 for ssh's own choice.</summary>
        public int Port { get; set; }

        /// <summary>A full local path, or null.</summary>
        public string? KeyFilePath { get; set; }

        /// <summary>ssh <c>-o</c> options, name to value.</summary>
        public IDictionary? Options { get; set; }

        /// <summary>The remote pwsh; null for <c>pwsh</c> found on the host's PATH.</summary>
        public string? PowerShellPath { get; set; }

        /// <summary>The full path of the local ssh client (<see cref="SshClient.Find()"/>).</summary>
        public string SshPath { get; set; } = "ssh";
    }
}
