using System;

namespace ProcCmdlets
{
    /// <summary>A worker process ended while it was running an item.</summary>
    public sealed class WorkerCrashedException : Exception
    {
        /// <summary>The error, saying which worker ended and how in <paramref name="message"/>.</summary>
        public WorkerCrashedException(string message)
            : base(message)
        {
        }
    }
}
