using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;

namespace ProcCmdlets.Commands
{
    /// <summary>Stops workers: asks each to stop, then kills it after a grace period; -Force kills at once [terminate(), kill()].</summary>
    [Cmdlet(VerbsLifecycle.Stop, "WorkerProcess", DefaultParameterSetName = WorkerSet, SupportsShouldProcess = true)]
    [OutputType(typeof(WorkerProcess))]
    public sealed class StopWorkerProcessCommand : WorkerCmdletBase
    {
        private readonly List<WorkerProcess> _workers = new List<WorkerProcess>();

        /// <summary>Kills the worker processes, and the processes they started, at once, without asking them to stop first [kill()].</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the stopped workers to the pipeline once they have ended.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Collects the selected workers.</summary>
        protected override void ProcessRecord()
        {
            foreach (WorkerProcess worker in SelectWorkers())
            {
                if (ShouldProcess($"{worker.Name} (process {worker.ProcessId})", "Stop"))
                {
                    _workers.Add(worker);
                }
            }
        }

        /// <summary>Stops the collected workers side by side and waits for them to end.</summary>
        protected override void EndProcessing()
        {
            // Stop them side by side, so that several grace periods do not add up.
            var stops = _workers.Distinct().Select(w => Task.Run(() => w.Stop(Force))).ToArray();
            Task.WaitAll(stops);
            if (PassThru)
            {
                foreach (WorkerProcess worker in _workers.Distinct())
                {
                    WriteObject(worker);
                }
            }
        }
    }
}
