namespace ProcCmdlets.Transport
{
    /// <summary>
    /// A worker behind a connection to another host (its own ssh client, or a host agent's shared
    /// one): what ssh said, for the errors that name a lost or refused connection.
    /// </summary>
    internal interface IHostLink
    {
        /// <summary>What ssh (and, prefixed with <see cref="HostWrote"/>, the host) wrote about the connection, oldest first.</summary>
        string[] Messages { get; }

        /// <summary>What a message the host, not ssh, may have written starts with.</summary>
        string HostWrote { get; }

        /// <summary>Why the worker did not start (or the connection ended), in ssh's words.</summary>
        string Failure();
    }
}
