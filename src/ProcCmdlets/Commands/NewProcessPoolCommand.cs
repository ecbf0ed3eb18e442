using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;

namespace ProcCmdlets.Commands
{
    /// <summary>Starts a pool of worker processes [multiprocessing.Pool(processes, initializer, initargs, maxtasksperchild)].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessPool", DefaultParameterSetName = "Local")]
    [OutputType(typeof(ProcessPool))]
    public sealed class NewProcessPoolCommand : SshCmdletBase
    {
        [Parameter(Position = 0)]
        [ValidateRange(1, int.MaxValue)]
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

        /// <summary>Hosts to run the workers on over SSH, each <c>[user@]host[:port]</c>; -ProcessCount workers on each.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateSshHostEntry]
        public string[] HostName { get; set; }

        /// <summary>Run the workers on nodes that Slurm allocates: one srun step per node (-NodeCount), -ProcessCount workers on each.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SlurmPool.ParameterSet)]
        public SwitchParameter Slurm { get; set; }

        /// <summary>How many nodes (srun steps) the pool runs on.</summary>
        [Parameter(ParameterSetName = SlurmPool.ParameterSet)]
        [ValidateRange(1, 10000)]
        public int NodeCount { get; set; } = 1;

        /// <summary>srun options for every step (partition, account, time limit, ...), each one argument.</summary>
        [Parameter(ParameterSetName = SlurmPool.ParameterSet)]
        public string[]? SlurmOption { get; set; }

        protected override void EndProcessing()
        {
            if (Slurm)
            {
                string slurmName = Name ?? Registry.NextPoolName();
                var nodes = SlurmPool.Transports(this, NodeCount, SlurmOption, slurmName);
                int perNode = MyInvocation.BoundParameters.ContainsKey(nameof(ProcessCount)) ? ProcessCount : 1;
                ProcessPool slurm = PoolFactory.Create(this, perNode, slurmName, InitializationScript, InitializationArgumentList, MaxTasksPerWorker, Function, Module, nodes);
                SshConnection.WaitForHosts(this, slurm, SlurmPool.AnswerTimeout, Cancellation);
                Registry.Add(slurm);
                WriteObject(slurm);
                return;
            }

            if (HostName != null)
            {
                var transports = SshConnection.Transports(this, HostName);
                int perHost = MyInvocation.BoundParameters.ContainsKey(nameof(ProcessCount)) ? ProcessCount : 1;
                ProcessPool remote = PoolFactory.Create(this, perHost, Name ?? Registry.NextPoolName(), InitializationScript, InitializationArgumentList, MaxTasksPerWorker, Function, Module, transports.ConvertAll(t => (Transport.IWorkerTransport)new Transport.AgentTransport(t.Target)));
                SshConnection.WaitForHosts(this, remote, SshConnection.AnswerTimeout(transports), Cancellation);
                Registry.Add(remote);
                WriteObject(remote);
                return;
            }

            ProcessPool pool = PoolFactory.Create(this, ProcessCount, Name ?? Registry.NextPoolName(), InitializationScript, InitializationArgumentList, MaxTasksPerWorker, Function, Module);
            Registry.Add(pool);
            WriteObject(pool);
        }
    }
}
