using System;
using System.Runtime.InteropServices;

namespace ProcCmdlets.Transport
{
    /// <summary>
    /// Kills a local Unix worker's process group. A worker leads a group of its own once it runs
    /// (Worker/ProcessGroup.cs), and a program its script started in the background stays in that
    /// group after its parent has gone and it was re-parented, where a walk of parent links no longer
    /// finds it. This is what a worker does itself when its channel closes.
    /// </summary>
    internal static class UnixProcessGroup
    {
        private const int SIGKILL = 9;

        private static readonly bool Unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>
        /// Kills the group <paramref name="processId"/> leads; does nothing when it leads none (a
        /// worker that has not reached its setpgid yet is still in the session's group, which must
        /// live on).
        /// </summary>
        public static void Kill(int processId)
        {
            if (!Unix || processId <= 0)
            {
                return;
            }

            try
            {
                if (getpgid(processId) == processId && getpgid(0) != processId)
                {
                    // Best effort: a group already gone is what was wanted.
                    _ = kill(-processId, SIGKILL);
                }
            }
            catch (Exception)
            {
                // No libc to call: the tree kill that follows still ends the worker.
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getpgid(int pid);

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);
    }
}
