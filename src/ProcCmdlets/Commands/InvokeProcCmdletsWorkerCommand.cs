using System.Management.Automation;

namespace ProcCmdlets.Commands
{
    /// <summary>
    /// The worker loop, for a worker started as a PowerShell host running
    /// <c>Import-Module ProcCmdlets.dll; Invoke-ProcCmdletsWorker</c>: a command call, which
    /// ConstrainedLanguage allows where the Add-Type and static method call it replaces are refused.
    /// The manifest does not export it; it never returns (the worker ends its process).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ProcCmdletsWorker")]
    [OutputType(typeof(int))]
    public sealed class InvokeProcCmdletsWorkerCommand : ProcCmdletBase
    {
        /// <summary>The session's runtime may write a UTF-8 byte-order mark before the first frame (.NET Framework).</summary>
        [Parameter]
        public SwitchParameter SkipByteOrderMark { get; set; }

        /// <summary>Runs this process as a worker until its channel closes, then writes its exit status; refused at a console.</summary>
        protected override void EndProcessing()
        {
            // Typed at a console by mistake it would take the console's input and output and end the
            // process; a worker's standard input and output are always pipes.
            if (!System.Console.IsInputRedirected || !System.Console.IsOutputRedirected)
            {
                ThrowTerminatingError(Records.Errors.NotAWorkerProcess());
            }

            WriteObject(Worker.WorkerMain.Run(engineStartsHere: false, skipByteOrderMark: SkipByteOrderMark.IsPresent));
        }
    }
}
