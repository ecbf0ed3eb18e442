using System;

namespace ProcCmdlets
{
    /// <summary>Workers could not be started on another host: ssh failed to connect, the host refused the key or its key is unknown, or the host could not run the worker.</summary>
    public sealed class HostUnreachableException : Exception
    {
        /// <summary>The error for <paramref name="hostName"/>, saying why in <paramref name="message"/>.</summary>
        public HostUnreachableException(string message, string? hostName)
            : base(message)
        {
            HostName = hostName;
        }

        /// <summary>The host, as the error names it; null when no host could start workers.</summary>
        public string? HostName { get; }
    }
}
