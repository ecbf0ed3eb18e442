using System.Diagnostics;
using System.Text;

namespace ProcCmdlets.Transport
{
    /// <summary>Workers on one other host, each behind its own local ssh client (exec mode, no subsystem, nothing installed there).</summary>
    internal sealed class SshTransport : IWorkerTransport
    {
        public SshTransport(SshTarget target)
        {
            Target = target;
        }

        public SshTarget Target { get; }

        public string Location => Target.Location;

        /// <summary>Starts ssh and returns at once; the assembly follows on its own task, the worker greets when it runs.</summary>
        public WorkerLink Start(string? workingDirectory)
        {
            var info = RedirectedStartInfo.Create(Target.SshPath, Target.Arguments(Target.RemoteCommand(SshBootstrap.EncodedCommand)));
            var process = new Process { StartInfo = info };
            process.Start();
            return new SshLink(process, Target);
        }
    }
}
