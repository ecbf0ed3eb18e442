using System.Management.Automation;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Writes what workers have written and nobody has received yet, without waiting.</summary>
    [Cmdlet(VerbsCommunications.Receive, "WorkerProcess", DefaultParameterSetName = WorkerSet)]
    [OutputType(typeof(PSObject))]
    public sealed class ReceiveWorkerProcessCommand : WorkerCmdletBase
    {
        /// <summary>Leaves what is received in the workers, so that it can be received again.</summary>
        [Parameter]
        public SwitchParameter Keep { get; set; }

        /// <summary>Writes what each selected worker has produced since it was last received.</summary>
        protected override void ProcessRecord()
        {
            foreach (WorkerProcess worker in SelectWorkers())
            {
                new CmdletRecordSink(this).WriteJobData(worker, Keep);
            }
        }
    }
}
