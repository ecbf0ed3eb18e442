using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Engine;
using ProcCmdlets.Pools;

namespace ProcCmdlets.Commands
{
    /// <summary>Starts a pool of worker processes [multiprocessing.Pool(processes, initializer, initargs, maxtasksperchild)].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessPool")]
    [OutputType(typeof(ProcessPool))]
    public sealed class NewProcessPoolCommand : ProcCmdletBase
    {
        [Parameter(Position = 0)]
        public int ProcessCount { get; set; } = Environment.ProcessorCount;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        public ScriptBlock InitializationScript { get; set; }

        [Parameter]
        public object[] InitializationArgumentList { get; set; }

        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxTasksPerWorker { get; set; }

        protected override void EndProcessing()
        {
            ProcessPool pool = PoolFactory.Create(this, ProcessCount, Name ?? Registry.NextPoolName(), InitializationScript, InitializationArgumentList, MaxTasksPerWorker);
            Registry.Add(pool);
            WriteObject(pool);
        }
    }

    /// <summary>Creates pools for New-ProcessPool and for maps that bring their own, and the tasks they run.</summary>
    internal static class PoolFactory
    {
        /// <summary>A task for <paramref name="pool"/>: the script with its $using: values and the caller's preferences.</summary>
        public static PoolTask NewTask(PSCmdlet cmdlet, ProcessPool pool, TaskMode mode, PreparedScript script, object[] args)
        {
            var variables = new List<KeyValuePair<string, object>>(script.UsingValues);
            variables.AddRange(Preferences.Capture(cmdlet));
            try
            {
                return new PoolTask(pool.NextTaskId(), mode, script.Text, variables, args);
            }
            catch (ValueNotCarriedException e)
            {
                cmdlet.ThrowTerminatingError(Errors.Create(e, "ValueNotCarried", ErrorCategory.InvalidData, args));
                return null;
            }
        }

        public static ProcessPool Create(PSCmdlet cmdlet, int processCount, string name, ScriptBlock init, object[] initArgs, int maxTasks)
        {
            if (processCount < 1)
            {
                cmdlet.ThrowTerminatingError(Errors.OutOfRange("ProcessCount", processCount, "must be at least 1"));
            }

            var setup = new WorkerSetup { WorkingDirectory = cmdlet.SessionState.Path.CurrentFileSystemLocation?.ProviderPath };
            setup.Variables.AddRange(Preferences.Capture(cmdlet));
            PreparedScript initScript = init == null ? null : PreparedScript.From(init, cmdlet.SessionState);
            if (initScript != null)
            {
                setup.Variables.AddRange(initScript.UsingValues);
            }

            try
            {
                return new ProcessPool(name, processCount, maxTasks, setup, initScript?.Text, initArgs);
            }
            catch (ValueNotCarriedException e)
            {
                cmdlet.ThrowTerminatingError(Errors.Create(e, "ValueNotCarried", ErrorCategory.InvalidData, initArgs));
                return null;
            }
            catch (Exception e) when (!(e is PipelineStoppedException))
            {
                cmdlet.ThrowTerminatingError(Errors.WorkerStartFailed(e, name));
                return null;
            }
        }
    }
}
