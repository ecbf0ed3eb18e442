using System;
using System.IO;

namespace ProcCmdlets.Transport
{
    /// <summary>What carries a host agent's connection (a local ssh client, an srun step, or a test's fake): its streams and its life.</summary>
    internal abstract class AgentProcess : IDisposable
    {
        /// <summary>Its local process id.</summary>
        public abstract int Id { get; }

        /// <summary>Where the agent runs (a host name).</summary>
        public abstract string Location { get; }

        public abstract Stream ToAgent { get; }

        public abstract Stream FromAgent { get; }

        /// <summary>Its standard error: ssh's messages, then the agent's.</summary>
        public abstract TextReader Errors { get; }

        /// <summary>Its exit status once it has exited; null before.</summary>
        public abstract int? ExitCode { get; }

        /// <summary>Why the connection failed or a worker on it did not start, from its messages and exit status, with what to do about it.</summary>
        public abstract string Failure(string[] messages, int? exitCode);

        public abstract void Kill();

        /// <summary>False on timeout.</summary>
        public abstract bool WaitForExit(TimeSpan timeout);

        public virtual void Dispose()
        {
        }
    }
}
