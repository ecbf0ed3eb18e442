using System;
using System.Diagnostics;

namespace ProcCmdlets.Transport
{
    /// <summary>Workers as child processes of the session, their channel on standard input and output.</summary>
    internal sealed class LocalProcessTransport : IWorkerTransport
    {
        public static LocalProcessTransport Instance { get; } = new LocalProcessTransport();

        public string Location => Environment.MachineName;

        public WorkerLink Start(string workingDirectory)
        {
            var process = new Process { StartInfo = WorkerLauncher.CreateStartInfo(workingDirectory) };
            process.Start();
            return new LocalProcessLink(process, Location);
        }
    }
}
