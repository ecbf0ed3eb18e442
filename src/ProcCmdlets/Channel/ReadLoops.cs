using System;
using System.Threading;
using System.Threading.Tasks;

namespace ProcCmdlets.Channel
{
    /// <summary>Where the session's per-worker read loops run.</summary>
    internal static class ReadLoops
    {
        /// <summary>
        /// Runs <paramref name="loop"/>: when <paramref name="dedicated"/> (the worker's link reads
        /// synchronous handles, see <c>WorkerLink.ReadsBlock</c>) on a thread of its own named
        /// <paramref name="threadName"/>, where it reads and waits blocking; otherwise on the thread
        /// pool, reading asynchronously, where no thread waits for the worker (the runtime's epoll
        /// engine on Unix, the I/O completion port on Windows).
        /// </summary>
        public static void Start(Func<bool, Task> loop, string threadName, bool dedicated)
        {
            if (dedicated)
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
