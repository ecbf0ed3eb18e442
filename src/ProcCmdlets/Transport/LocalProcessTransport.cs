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
            // On Windows a Job object ends the worker's processes with it.
            return new LocalProcessLink(process, Location, OSFamilies.Current == OSFamily.Windows ? WindowsJob.TryFor(process.Handle) : null);
        }

        /// <summary>Whether Windows workers start on overlapped pipes (<see cref="WindowsChildProcess"/>); PROCCMDLETS_WINDOWS_PIPES=0 turns it off, for comparison.</summary>
        private static bool WindowsPipes { get; } = Environment.GetEnvironmentVariable("PROCCMDLETS_WINDOWS_PIPES") != "0";
    }
}
