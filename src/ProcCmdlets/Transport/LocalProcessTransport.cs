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
            var process = new Process { StartInfo = WorkerLauncher.CreateStartInfo(workingDirectory) };
            process.Start();
            return new LocalProcessLink(process, Location, JobFor(process));
        }

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
