using System;
using System.Collections.Concurrent;

namespace ProcCmdlets.Shared
{
    /// <summary>
    /// Warnings from background threads (a dead holder's lock released, a posted call refused),
    /// kept until a pipeline thread writes them: the next cmdlet of the module that starts, or a
    /// Wait-WorkerProcess or map that is running.
    /// </summary>
    internal static class SharedWarnings
    {
        private static readonly ConcurrentQueue<string> Pending = new ConcurrentQueue<string>();

        public static void Add(string message) => Pending.Enqueue(message);

        public static void Drain(Action<string> write)
        {
            while (Pending.TryDequeue(out string message))
            {
                write(message);
            }
        }
    }
}
