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
        private ProcessPool? _temporary;

        /// <summary>The script block to run.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNull]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>Values passed to the script block as positional arguments, in order [args].</summary>
        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        /// <summary>The pool whose worker runs the script block: a <c>ProcessPool</c> object or a pool's name (press Tab to complete it).</summary>
        [Parameter]
        [PoolArgument]
        [ArgumentCompleter(typeof(PoolNameCompleter))]
        public ProcessPool? Pool { get; set; }

        /// <summary>Returns at once with a job instead of waiting [apply_async].</summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>Names of session functions (or filters) to define in the worker before the script block runs, in addition to those the script block calls by name, which are carried without being named.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Function { get; set; }

        /// <summary>Modules to import in the worker before the script block runs, in addition to those whose commands the script block calls by name: a module's name (imported from the worker's <c>PSModulePath</c>, or from the file the session loaded it from) or the path of a <c>.psd1</c>, <c>.psm1</c> or <c>.dll</c> file.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Module { get; set; }

        /// <summary>Runs the script block in one of the pool's workers and writes its output; with -AsJob, starts the job and writes it.</summary>
        protected override void EndProcessing()
        {
            PreparedScript script = PreparedScript.FromCaller(ScriptBlock, this);
            DefineCode code = SessionCode.Resolve(this, new[] { ScriptBlock }, Function, Module);
            ProcessPool? pool = Pool;
            if (pool == null)
            {
                // With -AsJob the job takes this pool over and ends it when it ends.
                pool = _temporary = PoolFactory.Create(this, new PoolSpec { ProcessCount = 1, Name = "Apply" });
            }
            else if (pool.State != PoolState.Running)
            {
                throw this.Terminate(Errors.PoolRemoved(pool.Name, pool));
            }

            PoolTask task = PoolFactory.NewTask(this, pool, TaskMode.Apply, script, ArgumentList, code);
            if (AsJob)
            {
                ProcessPoolApplyJob job;
                try
                {
                    job = new ProcessPoolApplyJob(ScriptBlock.ToString(), pool, _temporary != null, task);
                }
                catch (PoolBrokenException e)
                {
                    throw this.Terminate(e.Error);
                }
                catch (InvalidOperationException)
                {
                    throw this.Terminate(Errors.PoolRemoved(pool.Name, pool));
                }

                // The job ends a temporary pool when it ends.
                _temporary = null;
                job.Name = "Apply" + job.Id;
                ProcCmdletsJobSourceAdapter.Register(this, job);
                WriteObject(job);
                return;
            }

            var result = new MapResult(task, 1, 0, false);
            MapDriver.Run(this, pool, result, new object?[] { null }, progress: false, Cancellation);
        }

        /// <summary>Ends a temporary pool the command made.</summary>
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
