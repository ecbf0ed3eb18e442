using System;
using System.Runtime.InteropServices;

namespace ProcCmdlets.Worker
{
    /// <summary>
    /// On Unix a worker leads a process group of its own, so that when its channel closes (its
    /// session died, or the pool let it go) the programs its scripts started end with it, as they do
    /// on Windows through the worker's Job object. A worker that finishes its script on its own
    /// leaves them running, as a shell does. Leading a group also keeps a terminal's Ctrl+C, which
    /// goes to the session's group, away from the workers: the session stops them itself.
    /// </summary>
    internal static class ProcessGroup
    {
        private const int SIGKILL = 9;

        private static readonly bool Unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Makes this process the leader of a new process group (a session leader already is one).</summary>
        public static void Lead()
        {
            if (Unix)
            {
                try
                {
                    // A refusal leaves the worker in its parent's group, which End then leaves alone.
                    _ = setpgid(0, 0);
                }
                catch (Exception)
                {
                    // No libc to call: the worker stays in its parent's group, and End does nothing.
                }
            }
        }

        /// <summary>
        /// Kills this process's group, this process with it, when this process leads it; never a
        /// group it merely belongs to (the session's).
        /// </summary>
        public static void End()
        {
            if (!Unix)
            {
                return;
            }

            try
            {
                int self = getpid();
                if (getpgid(0) == self)
                {
                    _ = kill(-self, SIGKILL);
                }
            }
            catch (Exception)
            {
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int setpgid(int pid, int pgid);

        [DllImport("libc", SetLastError = true)]
        private static extern int getpgid(int pid);

        [DllImport("libc")]
        private static extern int getpid();

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int signal);
    }
}
