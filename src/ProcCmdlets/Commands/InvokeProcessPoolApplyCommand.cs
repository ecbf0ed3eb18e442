using System;
using System.Management.Automation;
using ProcCmdlets.Channel.Protocol;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;

using ProcCmdlets.Records;

namespace ProcCmdlets.Commands
{
    /// <summary>Runs a script block once on one pool worker [apply]; -AsJob returns at once with a job [apply_async].</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ProcessPoolApply")]
    [OutputType(typeof(PSObject), typeof(ProcessPoolApplyJob))]
    public sealed class InvokeProcessPoolApplyCommand : ProcCmdletBase
    {
        private ProcessPool _temporary;

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; }

        [Parameter]
        [Alias("Args")]
        public object[] ArgumentList { get; set; }

        [Parameter]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool Pool { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Function { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Module { get; set; }

        protected override void EndProcessing()
        {
            PreparedScript script = PreparedScript.FromCaller(ScriptBlock, this);
            DefineCode code = SessionCode.Resolve(this, new[] { ScriptBlock }, Function, Module);
            ProcessPool pool = Pool;
            if (pool == null)
            {
                if (AsJob)
                {
                    ThrowTerminatingError(Errors.Create(new ArgumentException("-AsJob needs -Pool: the job outlives this command."), "AsJobNeedsPool", ErrorCategory.InvalidArgument, null));
                }

                pool = _temporary = PoolFactory.Create(this, 1, "Apply", null, null, 0);
            }
            else if (pool.State != PoolState.Running)
            {
                ThrowTerminatingError(Errors.PoolRemoved(pool.Name, pool));
            }

            PoolTask task = PoolFactory.NewTask(this, pool, TaskMode.Apply, script, ArgumentList, code);
            if (AsJob)
            {
                ProcessPoolApplyJob job = null;
                try
                {
                    job = new ProcessPoolApplyJob(ScriptBlock.ToString(), pool, task);
                }
                catch (PoolBrokenException e)
                {
                    ThrowTerminatingError(e.Error);
                }
                catch (InvalidOperationException)
                {
                    ThrowTerminatingError(Errors.PoolRemoved(pool.Name, pool));
                }

                job.Name = "Apply" + job.Id;
                ProcCmdletsJobSourceAdapter.Register(this, job);
                WriteObject(job);
                return;
            }

            var run = new MapResult(task, 1, 0, false);
            MapDriver.Run(this, pool, run, new object[] { null }, Cancellation, progress: false);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _temporary?.Terminate();
            }

            base.Dispose(disposing);
        }
    }
}
