using System;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>Where the session's per-worker read loops run.</summary>
    internal static class ReadLoops
    {
        /// <summary>
        /// Whether each worker's channel and console are read on threads of their own. On Windows a
        /// redirected process's pipes are synchronous handles: an asynchronous read would hold a
        /// thread-pool thread for as long as it waits, and a pool of workers would starve the thread
        /// pool (which adds threads slowly), so there a reader keeps its thread. Elsewhere the pipes'
        /// asynchronous reads wait in the runtime's epoll engine and no thread waits for a worker.
        /// </summary>
        public static bool Dedicated { get; } = OSFamilies.Current == OSFamily.Windows;

        /// <summary>
        /// Runs <paramref name="loop"/>: given true, on a thread of its own named <paramref name="threadName"/>,
        /// where it reads and waits blocking; given false, on the thread pool, reading asynchronously.
        /// </summary>
        public static void Start(Func<bool, Task> loop, string threadName)
        {
            if (Dedicated)
            {
                new Thread(() => { _ = loop(true); }) { IsBackground = true, Name = threadName }.Start();
            }
            else
            {
                _ = Task.Run(() => loop(false));
            }
        }
    }
}
