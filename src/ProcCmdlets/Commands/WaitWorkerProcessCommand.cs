using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Waits for workers to end, streaming their records as they arrive [join(timeout)].</summary>
    [Cmdlet(VerbsLifecycle.Wait, "WorkerProcess", DefaultParameterSetName = WorkerSet)]
    [OutputType(typeof(PSObject), typeof(WorkerProcess))]
    public sealed class WaitWorkerProcessCommand : WorkerCmdletBase
    {
        private readonly List<WorkerProcess> _workers = new List<WorkerProcess>();

        /// <summary>The longest time to wait, in seconds.</summary>
        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int Timeout { get; set; } = -1;

        /// <summary>Returns as soon as any one of the workers has ended, instead of waiting for all of them.</summary>
        [Parameter]
        public SwitchParameter Any { get; set; }

        /// <summary>Writes each worker to the pipeline when it ends, instead of its output.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Collects the selected workers.</summary>
        protected override void ProcessRecord() => _workers.AddRange(SelectWorkers());

        /// <summary>Waits for the collected workers, writing their output as it comes (or each worker as it ends, with -PassThru).</summary>
        protected override void EndProcessing()
        {
            var pending = _workers.Distinct().ToList();
            if (pending.Count == 0)
            {
                return;
            }

            using (var signal = new SemaphoreSlim(0))
            {
                EventHandler<DataAddedEventArgs> onData = (s, e) => signal.Release();
                EventHandler<JobStateEventArgs> onState = (s, e) => signal.Release();
                foreach (WorkerProcess worker in pending)
                {
                    Subscribe(worker, onData, onState, true);
                }

                try
                {
                    Wait(pending, signal);
                }
                finally
                {
                    foreach (WorkerProcess worker in _workers.Distinct())
                    {
                        Subscribe(worker, onData, onState, false);
                    }
                }
            }

            WriteSharedWarnings();
        }

        private void Wait(List<WorkerProcess> pending, SemaphoreSlim signal)
        {
            DateTime deadline = Timeout < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddSeconds(Timeout);
            while (pending.Count > 0)
            {
                foreach (WorkerProcess worker in pending.ToArray())
                {
                    bool ended = WorkerProcess.IsFinishedState(worker.JobStateInfo.State);
                    if (!PassThru)
                    {
                        new CmdletRecordSink(this).WriteJobData(worker, keep: false);
                    }

                    if (ended)
                    {
                        pending.Remove(worker);
                        if (PassThru)
                        {
                            WriteObject(worker);
                        }

                        if (Any)
                        {
                            return;
                        }
                    }
                }

                if (pending.Count == 0)
                {
                    return;
                }

                TimeSpan left = deadline == DateTime.MaxValue ? TimeSpan.FromMilliseconds(500) : deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return;
                }

                try
                {
                    signal.Wait(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500), Cancellation);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: return at once; the workers go on, as jobs do.
                    throw new PipelineStoppedException();
                }
            }
        }

        private static void Subscribe(WorkerProcess worker, EventHandler<DataAddedEventArgs> onData, EventHandler<JobStateEventArgs> onState, bool add)
        {
            if (add)
            {
                worker.StateChanged += onState;
                worker.Output.DataAdded += onData;
                worker.Error.DataAdded += onData;
                worker.Warning.DataAdded += onData;
                worker.Verbose.DataAdded += onData;
                worker.Debug.DataAdded += onData;
                worker.Information.DataAdded += onData;
                worker.Progress.DataAdded += onData;
            }
            else
            {
                worker.StateChanged -= onState;
                worker.Output.DataAdded -= onData;
                worker.Error.DataAdded -= onData;
                worker.Warning.DataAdded -= onData;
                worker.Verbose.DataAdded -= onData;
                worker.Debug.DataAdded -= onData;
                worker.Information.DataAdded -= onData;
                worker.Progress.DataAdded -= onData;
            }
        }
    }
}
