using System;
using System.Diagnostics;
using ProcCmdlets.Channel;

namespace ProcCmdlets.Transport
{
    /// <summary>Workers as child processes of the session, their channel on standard input and output.</summary>
    internal sealed class LocalProcessTransport : IWorkerTransport
    {
        public static LocalProcessTransport Instance { get; } = new LocalProcessTransport();

        public string Location => Environment.MachineName;

        public WorkerLink Start(string? workingDirectory)
        {
            if (OSFamilies.Current == OSFamily.Windows && WindowsPipes)
            {
                try
                {
                    return new WindowsPipeLink(WorkerLauncher.StartOnWindows(workingDirectory), Location);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    // Whatever the overlapped start could not do, Process.Start's pipes can (a reader
                    // thread each); a program that cannot start at all fails there with its usual message.
                    DebugTrace.Write("worker start: overlapped pipes failed ({0}); using Process.Start", e.Message);
                }
            }

            var process = new Process { StartInfo = WorkerLauncher.CreateStartInfo(workingDirectory) };
            process.Start();
            return new LocalProcessLink(process, Location, JobFor(process));
        }

        /// <summary>Whether Windows workers start on overlapped pipes (<see cref="WindowsChildProcess"/>); PROCCMDLETS_WINDOWS_PIPES=0 turns it off, for comparison.</summary>
        private static bool WindowsPipes { get; } = Environment.GetEnvironmentVariable("PROCCMDLETS_WINDOWS_PIPES") != "0";

        /// <summary>On Windows, a Job object that ends the worker's processes with it; null elsewhere or when Windows refuses.</summary>
        private static WindowsJob? JobFor(Process process)
        {
            if (OSFamilies.Current != OSFamily.Windows)
            {
                return null;
            }

            try
            {
                return WindowsJob.For(process.Handle);
            }
            catch (Exception)
            {
                // A session in a job that forbids nested jobs (before Windows 8): Kill falls back to Process.Kill.
                return null;
            }
        }
    }
}
