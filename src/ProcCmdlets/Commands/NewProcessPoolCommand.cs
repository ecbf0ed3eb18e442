using System;
using System.Collections.Generic;
using System.Management.Automation;
using ProcCmdlets.Channel;
using ProcCmdlets.Connection;
using ProcCmdlets.Pools;
using ProcCmdlets.Transport;

namespace ProcCmdlets.Commands
{
    /// <summary>Starts a pool of worker processes [multiprocessing.Pool(processes, initializer, initargs, maxtasksperchild)].</summary>
    [Cmdlet(VerbsCommon.New, "ProcessPool", DefaultParameterSetName = "Local")]
    [OutputType(typeof(ProcessPool))]
    public sealed class NewProcessPoolCommand : SshCmdletBase
    {
        /// <summary>The number of worker processes in the pool [processes].</summary>
        [Parameter(Position = 0)]
        [ValidateRange(1, int.MaxValue)]
        public int ProcessCount { get; set; } = Environment.ProcessorCount;

        /// <summary>A name for the pool, by which the <c>-Pool</c> parameters of the other pool cmdlets and <c>Get-ProcessPool</c> find it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        /// <summary>A script block that runs once in each worker when the worker starts, before it runs any item [initializer].</summary>
        [Parameter]
        public ScriptBlock? InitializationScript { get; set; }

        /// <summary>Values passed to <c>-InitializationScript</c> as positional arguments [initargs].</summary>
        [Parameter]
        public object[]? InitializationArgumentList { get; set; }

        /// <summary>The number of input items a worker runs before it is replaced by a fresh process [maxtasksperchild].</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int MaxTasksPerWorker { get; set; }

        /// <summary>Names of session functions (or filters) to define in every worker when it starts (before the initialization script), so that every task the pool runs can call them, in addition to those the script block calls by name, which are carried without being named.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Function { get; set; }

        /// <summary>Modules to import in every worker when it starts, so that every task the pool runs can use them, in addition to those whose commands the script block calls by name: a module's name (imported from the worker's <c>PSModulePath</c>, or from the file the session loaded it from) or the path of a <c>.psd1</c>, <c>.psm1</c> or <c>.dll</c> file.</summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Module { get; set; }

        /// <summary>Hosts to run the workers on over SSH, each <c>[user@]host[:port]</c>; -ProcessCount workers on each.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SshConnection.ParameterSet)]
        [ValidateNotNullOrEmpty]
        [ValidateSshHostEntry]
        public string[]? HostName { get; set; }

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

        /// <summary>Starts the pool (on -HostName or -Slurm, once the hosts have answered) and writes it.</summary>
        protected override void EndProcessing()
        {
            string name = Name ?? Registry.NextPoolName();
            List<SshTransport>? ssh = HostName == null ? null : SshConnection.Transports(this, HostName);
            // One connection per host: each host's workers go through one host agent.
            List<IWorkerTransport>? transports = Slurm
                ? SlurmPool.Transports(this, NodeCount, SlurmOption, name)
                : ssh?.ConvertAll(t => (IWorkerTransport)new AgentTransport(t.Target));
            var spec = new PoolSpec
            {
                // On other hosts and nodes, -ProcessCount is per host or node, and one each unless given.
                ProcessCount = transports == null || MyInvocation.BoundParameters.ContainsKey(nameof(ProcessCount)) ? ProcessCount : 1,
                Name = name,
                Initialization = InitializationScript,
                InitializationArguments = InitializationArgumentList,
                MaxTasksPerWorker = MaxTasksPerWorker,
                Functions = Function,
                Modules = Module,
                Transports = transports,
            };
            ProcessPool pool = PoolFactory.Create(this, spec);
            if (Slurm)
            {
                SshConnection.WaitForHosts(this, pool, SlurmPool.AnswerTimeout, Cancellation);
            }
            else if (ssh != null)
            {
                SshConnection.WaitForHosts(this, pool, SshConnection.AnswerTimeout(ssh), Cancellation);
            }

            Registry.Add(pool);
            WriteObject(pool);
        }
    }
}
