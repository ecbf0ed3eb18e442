using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;
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

        [Parameter]
        [ValidateNotNull]
        public string[] Function { get; set; }

        [Parameter]
        [ValidateNotNull]
        public string[] Module { get; set; }

        protected override void EndProcessing()
        {
            ProcessPool pool = PoolFactory.Create(this, ProcessCount, Name ?? Registry.NextPoolName(), InitializationScript, InitializationArgumentList, MaxTasksPerWorker, Function, Module);
            Registry.Add(pool);
            WriteObject(pool);
        }
    }
}
