using System;

namespace ProcCmdlets
{
    /// <summary>A worker process ended while it was running an item.</summary>
    public sealed class WorkerCrashedException : Exception
    {
        public WorkerCrashedException(string message)
            : base(message)
        {
        }
    }
}
