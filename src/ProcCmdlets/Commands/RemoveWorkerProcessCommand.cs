using System.Management.Automation;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Removes ended workers from the session [close()]; -Force stops a running one first.</summary>
    [Cmdlet(VerbsCommon.Remove, "WorkerProcess", DefaultParameterSetName = WorkerSet, SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveWorkerProcessCommand : WorkerCmdletBase
    {
        /// <summary>Removes running workers too, killing their processes (and the processes they started) first.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Removes each selected worker from the session; a running one only with -Force.</summary>
        protected override void ProcessRecord()
        {
            foreach (WorkerProcess worker in SelectWorkers())
            {
                if (!ShouldProcess($"{worker.Name} (process {worker.ProcessId})", "Remove"))
                {
                    continue;
                }

                if (!WorkerProcess.IsFinishedState(worker.JobStateInfo.State))
                {
                    if (!Force)
                    {
                        WriteError(Errors.WorkerRunning(worker));
                        continue;
                    }

                    worker.Stop(true);
                }

                if (Registry.JobAdapter != null)
                {
                    Registry.JobAdapter.RemoveJob(worker);
                }
                else
                {
                    worker.IsRemoved = true;
                    worker.Dispose();
                }
            }
        }
    }
}
