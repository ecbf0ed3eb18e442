using System;
using System.Management.Automation;

namespace ProcCmdlets.Pools
{
    /// <summary>A pool that gave up starting workers; its error says why.</summary>
    internal sealed class PoolBrokenException : Exception
    {
        public PoolBrokenException(ErrorRecord error)
            : base(error.Exception.Message)
        {
            Error = error;
        }

        public ErrorRecord Error { get; }
    }
}
