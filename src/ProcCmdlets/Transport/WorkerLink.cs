using System;
using System.IO;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// One started worker as a transport gives it: the two directions of its channel, its console
    /// text, and its life. The session side of the worker (Connection/) uses it; Pools/ reaches it
    /// through <c>WorkerClient.Link</c> only for what one transport alone knows (<c>CrashBlame</c> and
    /// <c>RemoteHosts</c> cast it to <see cref="IHostLink"/> for ssh's own messages).
    /// </summary>
    internal abstract class WorkerLink : IDisposable
    {
        /// <summary>The worker's process id where it runs.</summary>
        public abstract int ProcessId { get; }

        /// <summary>Where it runs.</summary>
        public abstract string Location { get; }

        /// <summary>The channel toward the worker; closing it tells the worker to exit.</summary>
        public abstract Stream ToWorker { get; }

        /// <summary>The channel from the worker.</summary>
        public abstract Stream FromWorker { get; }

        /// <summary>Text the worker's programs wrote to its console, line by line.</summary>
        public abstract TextReader Console { get; }

        /// <summary>
        /// True when the link's streams are synchronous handles (Windows' redirected pipes), on which an
        /// asynchronous read would hold a thread-pool thread for as long as it waits: the session then
        /// reads them on threads of their own, since a pool of workers would starve the thread pool,
        /// which adds threads slowly.
        /// </summary>
        public virtual bool ReadsBlock => false;

        /// <summary>The largest frame the session reads from this worker.</summary>
        public virtual int MaxFrameBytes => Channel.FrameReader.DefaultMaxFrameBytes;

        /// <summary>Its exit status, once it has exited and its console has been read to the end.</summary>
        public abstract int? ExitCode { get; }

        /// <summary>Ends the worker and the processes it started, at once.</summary>
        public abstract void Kill();

        /// <summary>Waits for the worker to exit (and its console to be read); false on timeout.</summary>
        public abstract bool WaitForExit(TimeSpan timeout);

        public virtual void Dispose()
        {
        }
    }
}
